import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertDnsMatchesTshark, nonzeroErrors } from './helpers/dns-compare.js';
import { hostCapture } from './helpers/peers.js';

const gopacket = '/usr/share/gocode/src/github.com/gopacket/gopacket/pcap';
const dpkt = '/usr/share/doc/python3-dpkt/examples/data';

/** Each capture, and the errors the decoder must count in it. */
const captures: [string, Record<string, number>][] = [
  [hostCapture('dns.pcap'), {}],
  [hostCapture('loopback-http-dns-icmp.pcap'), {}],
  [`${gopacket}/test_dns.pcap`, {}],
  [`${dpkt}/dns_icmp.pcap`, {}],
  // Snap length 200 of a 238-byte frame: the 7th of 9 answers is cut (tshark shows six).
  [`${dpkt}/truncated_dns.pcap`, { capture_cut: 1 }],
  // Cut in the authority section (the file itself ends mid-packet): the answers are whole.
  [`${dpkt}/truncated_dns_2.pcap`, {}],
];

for (const [file, errors] of captures) {
  test(`DNS fields equal tshark's: ${file.split('/').slice(-2).join('/')}`, async () => {
    const { decoders, messages } = await assertDnsMatchesTshark(file);
    assert.ok(messages.length > 0, 'the capture holds DNS');
    assert.deepEqual(nonzeroErrors(decoders), errors);
    const counted = decoders.reduce((n, d) => n + d.counts.messages, 0);
    assert.equal(counted, messages.length, 'one message per frame in these captures');
  });
}

test('dnsmasq on loopback (UDP and TCP): an error response, and every response matched to its query', async () => {
  const { decoders, messages } = await assertDnsMatchesTshark(hostCapture('loopback-http-dns-icmp.pcap'));
  assert.ok(messages.some((m) => m.response && m.latencyMs !== undefined));
  assert.ok(
    messages.some((m) => m.rcode !== 0),
    'an error response (REFUSED) is among them',
  );
  assert.equal(decoders[0]!.counts.unmatched_responses, 0);
});
