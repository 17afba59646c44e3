import { writeFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { startPeer, tempDir } from './peers.js';

export interface PmacctTargets {
  /** nfprobe NetFlow v9 receiver port. */
  netflow9: number;
  /** nfprobe IPFIX receiver port. */
  ipfix: number;
  /** sfprobe sFlow v5 receiver port. */
  sflow: number;
}

/**
 * Runs pmacctd over a capture with the nfprobe (v9, IPFIX) and sfprobe plugins, lets it read the
 * whole file, then stops it with SIGINT so the plugins export what they still hold. Resolves
 * when pmacctd has exited.
 */
export async function runPmacctd(t: TestContext, pcap: string, to: PmacctTargets): Promise<void> {
  const dir = tempDir(t, 'flowlens-pmacct-');
  const conf = `${dir}/pmacctd.conf`;
  writeFileSync(conf, pmacctdConfig(pcap, to));
  const pmacctd = startPeer(t, 'pmacctd', ['-f', conf]);
  await pmacctd.waitForOutput('finished reading PCAP capture file', 30_000);
  const code = await pmacctd.stop('SIGINT');
  const output = pmacctd.output();
  if (code !== 0 && !(code === 1 && allPluginsStopped(output)))
    throw new Error(`pmacctd exited with ${code}:\n${output}`);
}

/**
 * The core and its three plugins each get the SIGINT. When the plugins exit before the core has
 * handled it, the core logs "connection lost" for each and "no more plugins active", and exits
 * with 1 (seen once in CI): a normal stop all the same, once every plugin has said it is
 * shutting down on request (each flushes what it holds first).
 */
function allPluginsStopped(output: string): boolean {
  const stopped = output.match(
    /\((?: nf9\/nfprobe | ipfix\/nfprobe | sf\/sfprobe )\): Shutting down on user request/g,
  );
  return new Set(stopped).size === 3 && output.includes('no more plugins active');
}

function pmacctdConfig(pcap: string, to: PmacctTargets): string {
  const timeouts = 'tcp=5:tcp.rst=5:tcp.fin=5:udp=5:icmp=5:general=5:expint=1';
  const aggregate = 'src_host, dst_host, src_port, dst_port, proto, tos, tcpflags';
  return `daemonize: false
pcap_savefile: ${pcap}
! keep running after EOF so that SIGINT, not EOF, ends it: the plugins then flush every flow
pcap_savefile_wait: true
plugins: nfprobe[nf9], nfprobe[ipfix], sfprobe[sf]
nfprobe_receiver[nf9]: 127.0.0.1:${to.netflow9}
nfprobe_version[nf9]: 9
nfprobe_receiver[ipfix]: 127.0.0.1:${to.ipfix}
nfprobe_version[ipfix]: 10
nfprobe_timeouts[nf9]: ${timeouts}
nfprobe_timeouts[ipfix]: ${timeouts}
aggregate[nf9]: ${aggregate}
aggregate[ipfix]: ${aggregate}
sfprobe_receiver[sf]: 127.0.0.1:${to.sflow}
sfprobe_agentip[sf]: 127.0.0.1
sfprobe_agentsubid[sf]: 1
sampling_rate[sf]: 1
`;
}
