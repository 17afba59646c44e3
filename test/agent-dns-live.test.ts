import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { defaultDnsConfig } from '../src/agent/app/dns/dns-decoder.js';
import { assertDnsMatchesTshark, nonzeroErrors } from './helpers/dns-compare.js';
import { pcapRecords } from './helpers/exporters-capture.js';
import { freeUdpPort, runPeer, startPeer, tempDir, waitFor } from './helpers/peers.js';

const long = 'x'.repeat(250);

/** dnsmasq serving a zone with every record type the decoder renders, and a reverse zone. */
function dnsmasqConfig(port: number): string {
  return [
    'no-resolv',
    'no-hosts',
    'listen-address=127.0.0.1',
    'bind-interfaces',
    `port=${port}`,
    'auth-server=ns.flows.test,127.0.0.1',
    'auth-zone=flows.test,192.0.2.0/24',
    'host-record=www.flows.test,192.0.2.10,2001:db8::10',
    'host-record=mapped.flows.test,::ffff:192.0.2.44',
    'cname=alias.flows.test,www.flows.test',
    'mx-host=flows.test,mail.flows.test,10',
    'srv-host=_sip._udp.flows.test,sip.flows.test,5060,1,5',
    'txt-record=flows.test,"v=spf1 -all","second, with comma"',
    `txt-record=long.flows.test,"${long}","${long}","${long}"`,
    'caa-record=flows.test,0,issue,letsencrypt.org',
    'dns-rr=svc.flows.test,65,000100',
    '',
  ].join('\n');
}

/** dig's queries: name and type (or -x for a reverse lookup). */
const queries = [
  ['www.flows.test', 'A'],
  ['www.flows.test', 'AAAA'],
  ['mapped.flows.test', 'AAAA'],
  ['alias.flows.test', 'A'],
  ['flows.test', 'MX'],
  ['_sip._udp.flows.test', 'SRV'],
  ['flows.test', 'TXT'],
  ['-x', '192.0.2.10'],
  ['flows.test', 'CAA'],
  ['svc.flows.test', 'TYPE65'],
  ['flows.test', 'SOA'],
  ['flows.test', 'NS'],
  ['nope.flows.test', 'A'],
  ['outside.invalid', 'A'],
];

test('dig against dnsmasq on loopback, UDP and TCP, captured by tcpdump: every field equals tshark', async (t) => {
  const port = await freeUdpPort();
  const dir = tempDir(t, 'flowlens-dns-live-');
  const conf = join(dir, 'dnsmasq.conf');
  writeFileSync(conf, dnsmasqConfig(port));
  const server = startPeer(t, 'dnsmasq', [
    '-C',
    conf,
    '-k',
    '--log-facility=-',
    `--pid-file=${dir}/dnsmasq.pid`,
  ]);
  await server.waitForOutput('started, version');
  const file = join(dir, 'dns.pcap');
  const capture = startPeer(t, 'tcpdump', [
    '-i',
    'lo',
    '-U',
    '--immediate-mode',
    '-n',
    '-w',
    file,
    'port',
    String(port),
  ]);
  await capture.waitForOutput('listening on');

  // dig prints a header per response it received: the count of answered queries.
  let answered = 0;
  const dig = async (args: string[]) => {
    const out = await runPeer(t, 'dig', ['@127.0.0.1', '-p', String(port), '+tries=3', '+time=5', ...args]);
    answered += out.match(/->>HEADER<<-/g)?.length ?? 0;
  };
  for (const q of queries) await dig(q);
  // Over TCP: each query on its own connection, then all on one kept-open connection (dig
  // +keepopen), and a TXT answer longer than dns_answers' bound.
  for (const q of queries.slice(0, 4)) await dig(['+tcp', ...q]);
  await dig(['+tcp', '+keepopen', ...queries.slice(4, 8).flat()]);
  await dig(['+tcp', 'long.flows.test', 'TXT']);
  // dnsmasq sometimes closes a kept-open connection after its first answer: dig's next query
  // there gets a reset, and dig retries it on a new connection (the decoder sees both).
  const tcpQueries = 4 + 4 + 1;
  assert.ok(answered >= queries.length + tcpQueries - 3, `${answered} answers`);
  // At least a query and a response per answer, and a handshake per connection.
  const least = 2 * answered + 3 * 6;
  await waitFor(() => pcapRecords(file) >= least, `${least} packets in ${file}`);
  await capture.stop('SIGTERM');

  const config = { ...defaultDnsConfig, udpPorts: [port], tcpPorts: [port] };
  const decode = ['-d', `udp.port==${port},dns`, '-d', `tcp.port==${port},dns`];
  const { decoders, messages } = await assertDnsMatchesTshark(file, { tsharkArgs: decode, config });
  assert.deepEqual(nonzeroErrors(decoders), {});
  const responses = messages.filter((m) => m.response);
  assert.equal(responses.length, answered, 'every answer dig received was seen');
  assert.ok(responses.every((m) => m.latencyMs !== undefined));
  // The types rendered by hand are all there, and an answer list long enough to be cut.
  const types = new Set(messages.map((m) => m.queryType));
  for (const type of [1, 28, 15, 33, 16, 12, 257, 65, 6, 2]) assert.ok(types.has(type), `query type ${type}`);
  assert.ok(
    responses.some((m) => m.rcode === 3) && responses.some((m) => m.rcode === 5),
    'NXDOMAIN and REFUSED',
  );
  assert.ok(responses.some((m) => m.answers.join(',').length > defaultDnsConfig.answersLimit));
});
