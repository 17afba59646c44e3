/**
 * /proc/net/snmp holds pairs of lines per protocol, a header and its values:
 *   Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors …
 *   Udp: 10028453 15248 5007 10048831 5007 …
 * /proc/net/snmp6 one counter a line: `Udp6InDatagrams   0`.
 */

/** Protocol (`Udp`, `Tcp`, `Ip`, …) → field → value. */
export function parseNetSnmp(text: string): Map<string, Map<string, number>> {
  const out = new Map<string, Map<string, number>>();
  const lines = text.split('\n');
  for (let i = 0; i + 1 < lines.length; i++) {
    const header = lines[i]!.trim().split(/\s+/);
    const values = lines[i + 1]!.trim().split(/\s+/);
    const proto = header[0];
    if (proto === undefined || !proto.endsWith(':') || values[0] !== proto) continue;
    // A header is followed by numbers; two header lines in a row are not a pair.
    if (values.length !== header.length || !values.slice(1).every((v) => /^-?\d+$/.test(v))) continue;
    const fields = new Map<string, number>();
    for (let j = 1; j < header.length; j++) fields.set(header[j]!, Number(values[j]));
    out.set(proto.slice(0, -1), fields);
    i++;
  }
  return out;
}

/** Counter name (`Udp6InDatagrams`) → value. */
export function parseNetSnmp6(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s*$/.exec(line);
    if (m !== null) out.set(m[1]!, Number(m[2]));
  }
  return out;
}

/** The UDP counters of one IP version, by the field names of /proc/net/snmp's `Udp:` lines. */
export function udpCounters(
  snmp: Map<string, Map<string, number>> | undefined,
  snmp6: Map<string, number> | undefined,
  family: 'ipv4' | 'ipv6',
): Map<string, number> {
  if (family === 'ipv4') return snmp?.get('Udp') ?? new Map();
  const out = new Map<string, number>();
  for (const [name, value] of snmp6 ?? []) if (name.startsWith('Udp6')) out.set(name.slice(4), value);
  return out;
}
