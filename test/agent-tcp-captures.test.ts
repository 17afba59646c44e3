import { test } from 'node:test';
import { repoRoot } from './helpers/paths.js';
import { assertTcpMatchesTshark, reportLine } from './helpers/tcp-compare.js';

const gopacket = '/usr/share/gocode/src/github.com/gopacket/gopacket';
const dpkt = '/usr/share/doc/python3-dpkt/examples/data';

/**
 * Real captures with TCP (installed by scripts/install-peers.sh from Debian's
 * golang-github-gopacket-gopacket-dev and python3-dpkt, and the project's own host captures):
 * a lost segment with duplicate ACKs and its retransmission, an HTTP transfer that fills a
 * receiver's window to zero, HTTP with a spurious retransmission, TLS with retransmissions and
 * out-of-order segments.
 */
const captures = [
  `${repoRoot}test/testdata/hosts/tcp-retrans.pcap`,
  `${repoRoot}test/testdata/hosts/loopback-http-dns-icmp.pcap`,
  `${dpkt}/http.pcap`,
  `${dpkt}/nb6-http.pcap`,
  `${gopacket}/pcap/test_ethernet.pcap`,
  `${gopacket}/pcap/test_loopback.pcap`,
  `${gopacket}/pcapgo/tests/le/test300.pcapng`,
  `${gopacket}/pcapgo/tests/le/test301.pcapng`,
];

for (const file of captures) {
  const name = file.slice(file.lastIndexOf('/') + 1);
  test(`TCP metrics equal tshark's analysis: ${name}`, async (t) => {
    const report = await assertTcpMatchesTshark(file);
    t.diagnostic(reportLine(name, report));
  });
}
