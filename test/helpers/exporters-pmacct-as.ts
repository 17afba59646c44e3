import { writeFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { ethernet, ipv4, ipv6, udp } from './capture-craft.js';
import { type TestPacket, writePcap } from './capture-writer.js';
import { startPeer, tempDir } from './peers.js';

/**
 * A capture of hosts in several announced prefixes, and pmacctd exporting it with NetFlow v9
 * (nfprobe) with the source and destination AS looked up in a `networks_file`: a real exporter's
 * flows with non-zero, varied src_as.
 */

/** networks_file lines: `AS,prefix` (pmacct's format), longest prefix wins. */
export const asNetworks: readonly string[] = [
  '64501,10.1.0.0/16',
  '64502,10.2.0.0/16',
  '64503,10.3.0.0/16',
  '64504,10.4.0.0/16',
  '64505,10.5.0.0/16',
  '64506,10.6.0.0/16',
  '64507,10.7.0.0/16',
  '64508,10.8.0.0/16',
  '64509,10.9.0.0/16',
  '64510,10.10.0.0/16',
  '64511,10.11.0.0/16',
  '64512,10.12.0.0/16',
  '64520,172.16.0.0/12',
  '64521,172.16.5.0/24',
  '64530,2001:db8:1::/48',
  '64540,203.0.113.0/24',
];

/** Source hosts: a prefix's base, how many hosts, packets per host (192.168/16 has no AS: 0). */
const senders: readonly { base: string; hosts: number; packets: number }[] = [
  { base: '10.1.0.', hosts: 6, packets: 40 },
  { base: '10.2.0.', hosts: 3, packets: 55 },
  { base: '10.3.0.', hosts: 4, packets: 30 },
  { base: '10.4.0.', hosts: 2, packets: 60 }, // 120, as 10.3 (a tie)
  { base: '10.5.0.', hosts: 5, packets: 17 }, // 85: the tenth place…
  { base: '10.6.0.', hosts: 1, packets: 90 },
  { base: '10.7.0.', hosts: 5, packets: 17 }, // …shared with this one
  { base: '10.8.0.', hosts: 2, packets: 25 },
  { base: '10.9.0.', hosts: 4, packets: 11 },
  { base: '10.10.0.', hosts: 1, packets: 44 }, // 44, as 10.9
  { base: '10.11.0.', hosts: 2, packets: 22 }, // 44 too
  { base: '10.12.0.', hosts: 3, packets: 5 },
  { base: '172.16.9.', hosts: 3, packets: 33 },
  { base: '172.16.5.', hosts: 2, packets: 70 },
  { base: '192.168.7.', hosts: 4, packets: 26 },
  { base: '2001:db8:1::', hosts: 3, packets: 38 },
];

/** Destinations: servers in 203.0.113.0/24 (an AS too) and one IPv6 server. */
const servers4 = ['203.0.113.10', '203.0.113.20'];
const server6 = '2001:db8:ffff::53';

/** The capture: every sender's hosts send UDP datagrams to a server, interleaved, over ~4 s from `startMs`. */
export function asCapture(startMs: number): Buffer {
  const packets: TestPacket[] = [];
  let micros = BigInt(startMs) * 1000n;
  let round = 0;
  for (let more = true; more; round++) {
    more = false;
    senders.forEach((s, si) => {
      for (let h = 0; h < s.hosts; h++) {
        if (round >= s.packets) continue;
        more = true;
        const v6 = s.base.includes(':');
        const src = `${s.base}${h + 1}`;
        const payload = new Uint8Array(20 + ((si * 7 + h * 13 + round) % 200));
        const body = udp(40000 + h, 53 + (si % 3), payload);
        const ip = v6
          ? ipv6({ protocol: 17, src, dst: server6 }, body)
          : ipv4({ protocol: 17, src, dst: servers4[(si + h) % 2]! }, body);
        const data = ethernet(ip);
        packets.push({ micros, data, originalLength: data.length, linkType: 1 });
        micros += 1000n;
      }
    });
  }
  return writePcap(packets, 1);
}

/**
 * Runs pmacctd over `pcap` with nfprobe NetFlow v9 to 127.0.0.1:`port`, AS numbers from the
 * networks file, sampling 1 packet in `samplingRate` (at random; the rate is announced in the
 * export's options data), and lets it read the whole file; SIGINT then makes nfprobe export every
 * flow it still holds. Resolves when pmacctd has exited.
 */
export async function runPmacctdAs(
  t: TestContext,
  pcap: string,
  port: number,
  samplingRate: number,
): Promise<void> {
  const dir = tempDir(t, 'flowlens-pmacct-as-');
  writeFileSync(`${dir}/networks.lst`, `${asNetworks.join('\n')}\n`);
  writeFileSync(
    `${dir}/pmacctd.conf`,
    `daemonize: false
pcap_savefile: ${pcap}
pcap_savefile_wait: true
pmacctd_as: file
pmacctd_net: file
networks_file: ${dir}/networks.lst
plugins: nfprobe[nf9]
nfprobe_receiver[nf9]: 127.0.0.1:${port}
nfprobe_version[nf9]: 9
nfprobe_timeouts[nf9]: tcp=5:tcp.rst=5:tcp.fin=5:udp=5:icmp=5:general=5:expint=1
aggregate[nf9]: src_host, dst_host, src_port, dst_port, proto, tos, src_as, dst_as
sampling_rate: ${samplingRate}
`,
  );
  const pmacctd = startPeer(t, 'pmacctd', ['-f', `${dir}/pmacctd.conf`]);
  await pmacctd.waitForOutput('finished reading PCAP capture file', 30_000);
  const code = await pmacctd.stop('SIGINT');
  // SIGINT reaches the core and the nfprobe plugin together: when the plugin finishes its final
  // export and exits first, the core logs "connection lost" and exits 1. That is still a clean run.
  const pluginDone = /nfprobe \): Shutting down on user request/.test(pmacctd.output());
  if (code !== 0 && !(code === 1 && pluginDone))
    throw new Error(`pmacctd exited with ${code}:\n${pmacctd.output()}`);
}
