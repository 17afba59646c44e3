import { execFileSync } from 'node:child_process';

/**
 * Runs tshark on a capture and returns, for each requested field, the values of every occurrence
 * in every packet, packet by packet (one array per packet).
 */
export function tsharkFields(
  pcap: string,
  fields: readonly string[],
  filter?: string,
): Map<string, string[][]> {
  const args = ['-r', pcap, '-T', 'fields', '-E', 'separator=\t', '-E', 'occurrence=a', '-E', 'aggregator=;'];
  if (filter) args.push('-Y', filter);
  for (const f of fields) args.push('-e', f);
  const text = execFileSync('tshark', args, {
    encoding: 'utf8',
    env: { ...process.env, TZ: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  const out = new Map<string, string[][]>(fields.map((f) => [f, []]));
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const cols = line.split('\t');
    fields.forEach((f, i) => {
      const v = cols[i] ?? '';
      out.get(f)!.push(v === '' ? [] : v.split(';'));
    });
  }
  return out;
}

/** All occurrences of a field across packets, in order. */
export function all(values: Map<string, string[][]>, field: string): string[] {
  return (values.get(field) ?? []).flat();
}

/** tshark's text as a number where it is one (decimal, hex, fractional seconds). */
export function num(text: string): number {
  return Number(text);
}

/** tshark's absolute time text ("Nov 14, 2023 22:12:50.433000000 UTC") in ms since epoch. */
export function absTimeMs(text: string): number {
  return Date.parse(text.replace(/\.(\d{3})\d*/, '.$1'));
}

/** Frames tshark marks as malformed (a dissector ran past the data or met an impossible length). */
export function malformedFrames(pcap: string): string[] {
  return all(tsharkFields(pcap, ['frame.number'], '_ws.malformed'), 'frame.number');
}
