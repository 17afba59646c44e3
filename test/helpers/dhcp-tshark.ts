/** tshark's decode of the DHCP messages of a capture (computed at test time), as the decoder's columns. */
import { spawnSync } from 'node:child_process';

export interface TsharkDhcpMessage {
  /** The packet's 1-based number among the capture's packets (tshark also numbers other pcapng blocks). */
  readonly packet: number;
  /** False when tshark gave up on the message (no field shown, as for some snap-length cuts). */
  readonly decoded: boolean;
  fields: Record<string, string | number>;
}

const fields = [
  'frame.encap_type',
  'frame.protocols',
  'dhcp.type',
  'dhcp.option.dhcp',
  'dhcp.hw.mac_addr',
  'dhcp.ip.client',
  'dhcp.ip.your',
  'dhcp.ip.server',
  'dhcp.option.ip_address_lease_time',
  'dhcp.option.hostname',
  'dhcp.option.domain_name',
];

/**
 * Every frame tshark decodes as DHCP/BOOTP, with the columns flowlens writes: absent options as 0
 * or '' (as the decoder writes them), the MAC as text
 * (tshark shows one for Ethernet and IEEE 802 hardware types with 6-byte addresses).
 */
export function tsharkDhcp(file: string): TsharkDhcpMessage[] {
  const args = ['-r', file, '-n', '-T', 'fields', '-E', 'occurrence=f', '-E', 'separator=\t'];
  const run = spawnSync('tshark', [...args, ...fields.flatMap((f) => ['-e', f])], { encoding: 'utf8' });
  // tshark exits 2 on a capture file cut short, after printing the packets before the cut.
  if (run.status !== 0 && !(run.status === 2 && run.stderr.includes('cut short')))
    throw new Error(`tshark ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  let packet = 0;
  return run.stdout
    .split('\n')
    .filter((line) => line !== '')
    .flatMap((line) => {
      const [encap, protocols, op, type, mac, ci, your, server, lease, host, domain] = line.split('\t');
      if (encap === '') return [];
      packet++;
      if (!protocols!.split(':').includes('dhcp')) return [];
      return {
        packet,
        decoded: op !== '',
        fields: {
          app_protocol: 'dhcp',
          dhcp_op: Number(op),
          dhcp_msg_type: Number(type || 0),
          dhcp_client_mac: mac || '00:00:00:00:00:00',
          dhcp_ciaddr: ci!,
          dhcp_yiaddr: your!,
          dhcp_siaddr: server!,
          dhcp_lease_time: Number(lease || 0),
          dhcp_host_name: host ?? '',
          dhcp_domain: domain ?? '',
        },
      };
    });
}
