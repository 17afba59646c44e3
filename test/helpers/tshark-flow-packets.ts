import { execFileSync } from 'node:child_process';

/** A TCP or UDP flow's key: protocol, outer VLAN, and both endpoints (`addr|port`), lower first. */
export function conversationKey(protocol: string, vlan: string, a: string, b: string): string {
  return `${protocol} vlan ${vlan} ${a < b ? `${a} ${b}` : `${b} ${a}`}`;
}

const fields = [
  'frame.encap_type',
  'ip.proto',
  'ipv6.nxt',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'tcp.srcport',
  'tcp.dstport',
  'udp.srcport',
  'udp.dstport',
  'vlan.id',
];

/**
 * tshark's packets of each TCP and UDP flow (outermost IP header, outer VLAN), by their 1-based
 * number among the capture's packets (pcapng blocks that are not packets are not counted).
 */
export function packetsByFlow(file: string): Map<string, number[]> {
  const args = ['-r', file, '-n', '-T', 'fields', '-E', 'occurrence=f', '-E', 'separator=\t'];
  let stdout: string;
  try {
    stdout = execFileSync('tshark', [...args, ...fields.flatMap((f) => ['-e', f])], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 256 << 20,
    });
  } catch (err) {
    // A capture cut short: tshark exits 2 after printing the packets before the cut.
    const e = err as { status?: number; stdout?: string; stderr?: string };
    if (e.status !== 2 || !/cut short/.test(e.stderr ?? '')) throw err;
    stdout = e.stdout ?? '';
  }
  const out = new Map<string, number[]>();
  let packet = 0;
  for (const line of stdout.split('\n')) {
    const [encap, p4, p6, s4, d4, s6, d6, ts, td, us, ud, vlan] = line.split('\t');
    if (line === '' || encap === '') continue;
    packet++;
    const v4 = s4 !== '';
    const protocol = v4 ? p4 : p6;
    const [sp, dp] = protocol === '6' ? [ts, td] : protocol === '17' ? [us, ud] : ['', ''];
    if (sp === '' || sp === undefined) continue;
    const key = conversationKey(protocol!, vlan || '0', `${v4 ? s4 : s6}|${sp}`, `${v4 ? d4 : d6}|${dp}`);
    out.set(key, [...(out.get(key) ?? []), packet]);
  }
  return out;
}
