import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import type { DnsSpec } from '../src/synth/contract.js';
import { dnsProbe } from '../src/synth/probes/dns-probe.js';
import { startBlackbox } from './helpers/blackbox.js';
import { freeUdpPort, runPeer, startPeer, tempDir } from './helpers/peers.js';

const never = new AbortController().signal;
// Six TXT records of 250 bytes: the answer (1.5 kB) is larger than the 1232 bytes both we and
// dig offer over UDP, so dnsmasq truncates it there and the query is asked again over TCP.
const long = (i: number) => String(i).repeat(250);

/** dnsmasq, authoritative for flows.test (so SOA and NS exist) with known records. */
function dnsmasqConfig(port: number): string {
  return [
    'no-resolv',
    'no-hosts',
    'listen-address=127.0.0.1',
    'bind-interfaces',
    `port=${port}`,
    'auth-server=ns.flows.test,127.0.0.1',
    // An authoritative zone serves only addresses inside its subnets.
    'auth-zone=flows.test,192.0.2.0/24,2001:db8::/32,::ffff:0:0/96,1::/16,::/64,fe80::/10',
    'host-record=www.flows.test,192.0.2.10,2001:db8::10',
    // Zero runs: a tie (the first is shortened), trailing, leading, embedded IPv4.
    ...['2001:db8:0:0:1:0:0:1', '1::', '::2', 'fe80::1:0:0:0', '::ffff:192.0.2.44'].map(
      (a) => `host-record=v6.flows.test,${a}`,
    ),
    'cname=alias.flows.test,www.flows.test',
    'mx-host=flows.test,mail.flows.test,10',
    'srv-host=_sip._udp.flows.test,sip.flows.test,5060,1,5',
    'txt-record=flows.test,"v=spf1 -all","with \\"quotes\\", \\\\ and\\ta tab"',
    ...[1, 2, 3, 4, 5, 6].map((i) => `txt-record=long.flows.test,"${long(i)}"`),
    'caa-record=flows.test,0,issue,letsencrypt.org',
    '',
  ].join('\n');
}

/** Name and type of each query (dig's `-x ADDRESS` for a PTR of an address). */
const queries: [string, string][] = [
  ['www.flows.test', 'A'],
  ['www.flows.test', 'AAAA'],
  ['v6.flows.test', 'AAAA'],
  ['alias.flows.test', 'A'],
  ['flows.test', 'MX'],
  ['flows.test', 'TXT'],
  ['long.flows.test', 'TXT'],
  ['_sip._udp.flows.test', 'SRV'],
  ['192.0.2.10', 'PTR'],
  ['flows.test', 'SOA'],
  ['flows.test', 'NS'],
  ['flows.test', 'CAA'],
  ['www.flows.test', 'MX'],
  ['nope.flows.test', 'A'],
  ['outside.invalid', 'A'],
];

function tcpPortFree(port: number): Promise<boolean> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function startDnsmasq(t: TestContext): Promise<number> {
  // dnsmasq serves UDP and TCP on one port: find one free for both.
  let port = await freeUdpPort();
  while (!(await tcpPortFree(port))) port = await freeUdpPort();
  const dir = tempDir(t, 'flowlens-synth-dns-');
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
  t.after(() => server.stop());
  return port;
}

/** dig's status and answer section, with its tabs made single spaces (our answers' form). */
async function dig(t: TestContext, port: number, name: string, type: string, tcp: boolean) {
  const ask = type === 'PTR' ? ['-x', name] : [name, type];
  const out = await runPeer(
    t,
    'dig',
    ['@127.0.0.1', '-p', String(port), ...ask, '+noall', '+comments', '+answer', ...(tcp ? ['+tcp'] : [])],
    30_000,
    'stdout',
  );
  const status = /status: ([A-Z0-9]+)/.exec(out)?.[1];
  const answers = out
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith(';'))
    .map((l) => l.replace(/\t+/g, ' '));
  return { status, answers };
}

test('answers, rcode over UDP and TCP equal dig against dnsmasq; blackbox_exporter agrees on success and counts', async (t) => {
  const port = await startDnsmasq(t);
  const modules: Record<string, unknown> = {};
  for (const [i, [name, type]] of queries.entries())
    for (const transport of ['udp', 'tcp'])
      modules[`q${i}_${transport}`] = {
        prober: 'dns',
        timeout: '5s',
        dns: {
          query_name: type === 'PTR' ? '10.2.0.192.in-addr.arpa' : name,
          query_type: type,
          transport_protocol: transport,
          preferred_ip_protocol: 'ip4',
          recursion_desired: true,
        },
      };
  const bb = await startBlackbox(t, modules);
  let truncatedSeen = false;
  let answerLines = 0;
  for (const [i, [name, type]] of queries.entries()) {
    for (const transport of ['udp', 'tcp'] as const) {
      const spec: DnsSpec = {
        id: 't',
        type: 'dns',
        target: '127.0.0.1',
        intervalS: 60,
        timeoutMs: 5000,
        name,
        recordType: type,
        port,
        transport,
      };
      const ours = await dnsProbe.run(spec, never);
      const theirs = await dig(t, port, name, type, transport === 'tcp');
      const what = `${name} ${type} over ${transport}`;
      assert.equal(ours.rcode, theirs.status, what);
      // dnsmasq rotates the records of a set from one answer to the next: compare them sorted.
      assert.deepEqual([...ours.answers].sort(), theirs.answers.sort(), what);
      assert.equal(ours.ok, theirs.status === 'NOERROR', what);
      assert.equal(ours.error, ours.ok ? '' : 'bad_rcode', what);
      assert.ok(ours.latencyMs > 0, what);
      assert.equal(ours.address, '127.0.0.1');
      answerLines += ours.answers.length;
      if (name === 'long.flows.test') truncatedSeen = ours.answers.length === 6;

      const b = await bb.probe(`q${i}_${transport}`, `127.0.0.1:${port}`);
      assert.equal(b.get('probe_success'), ours.ok ? 1 : 0, `blackbox: ${what}`);
      // blackbox_exporter does not ask a truncated UDP answer again over TCP (dig and we do): it
      // counts what fit in the truncated message.
      const truncated = name === 'long.flows.test' && transport === 'udp';
      if (truncated) assert.ok(b.get('probe_dns_answer_rrs') < ours.answers.length, `blackbox: ${what}`);
      else assert.equal(b.get('probe_dns_answer_rrs'), ours.answers.length, `blackbox: ${what}`);
    }
  }
  // Over each transport: one answer for each of the nine one-record queries, the CNAME and its
  // target, the v6 name's five addresses and the long TXT's six records.
  assert.equal(answerLines, 2 * (9 + 2 + 5 + 6));
  assert.ok(truncatedSeen, 'the long TXT answer arrived whole over UDP (via the TCP retry)');
  await bb.stop();
});
