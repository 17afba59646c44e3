import { execFileSync } from 'node:child_process';
import { flowKey } from './app-decode.js';
import { tsharkDhcp } from './dhcp-tshark.js';
import { type TsharkDnsMessage, tsharkDns } from './dns-tshark.js';
import { requirePeer } from './peers.js';

/** Each TCP/UDP frame's conversation, as app-decode's flowKey (`addr port | addr port`, lower first). */
export function frameKeys(file: string): Map<number, string> {
  const out = execFileSync(
    requirePeer('tshark'),
    [
      '-r',
      file,
      '-n',
      '-Y',
      '(tcp || udp) && !icmp',
      '-T',
      'fields',
      '-E',
      'occurrence=f',
      ...[
        'frame.number',
        'ip.src',
        'ip.dst',
        'tcp.srcport',
        'tcp.dstport',
        'udp.srcport',
        'udp.dstport',
      ].flatMap((f) => ['-e', f]),
    ],
    { encoding: 'utf8', maxBuffer: 256 << 20 },
  );
  const keys = new Map<number, string>();
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const [frame, src, dst, ts, td, us, ud] = line.split('\t');
    keys.set(Number(frame), flowKey(src!, Number(ts || us), dst!, Number(td || ud)));
  }
  return keys;
}

/** The last DNS message tshark decodes in each conversation (frames of a pcap file are its packets). */
export function lastDnsPerFlow(file: string, keys: Map<number, string>): Map<string, TsharkDnsMessage> {
  const last = new Map<string, TsharkDnsMessage>();
  for (const m of tsharkDns(file)) last.set(keys.get(m.packet)!, m);
  return last;
}

/** The last DHCP message tshark decodes in each conversation, as the decoder's columns. */
export function lastDhcpPerFlow(
  file: string,
  keys: Map<number, string>,
): Map<string, Record<string, string | number>> {
  const last = new Map<string, Record<string, string | number>>();
  for (const m of tsharkDhcp(file)) if (m.decoded) last.set(keys.get(m.packet)!, m.fields);
  return last;
}

/** The message types tshark saw, in order (1 Discover, 2 Offer, 3 Request, 5 ACK…). */
export function dhcpMessageTypes(file: string): number[] {
  return tsharkDhcp(file).map((m) => Number(m.fields.dhcp_msg_type));
}
