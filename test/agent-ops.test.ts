import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { startAgent, TelnetReceiver } from './helpers/agent-process.js';
import { catalogueMarkdown, catalogueRows } from './helpers/metrics-catalogue.js';
import { repoRoot } from './helpers/paths.js';
import { freeTcpPort } from './helpers/peers.js';
import { PrometheusSamples } from './helpers/prometheus-samples.js';
import { expectedTcpFlows } from './helpers/tcp-expect.js';
import { tsharkTcpFrames } from './helpers/tcp-tshark.js';

/**
 * The agent's operations side through the CLI: while a long-running agent (`--read -`, the input
 * kept open) runs, its health socket, GET /metrics and GET /healthz answer; every family it
 * exports is in docs/metrics-catalogue.md (the Agent table lists exactly the agent's own); and the
 * last OpenTSDB push when it stops carries the final counts, checked against tshark's decode of
 * the same capture and against the records the same run printed.
 */

const hosts = `${repoRoot}test/testdata/hosts`;
const gopacket = '/usr/share/gocode/src/github.com/gopacket/gopacket';

/** Every value tshark shows for `field` over the capture (each occurrence). */
function tsharkValues(file: string, field: string): string[] {
  return execFileSync('tshark', ['-r', file, '-n', '-T', 'fields', '-E', 'occurrence=a', '-e', field], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 64 << 20,
  })
    .split('\n')
    .flatMap((line) => (line === '' ? [] : line.split(',')));
}

async function scrape(port: number): Promise<{ text: string; m: PrometheusSamples }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  return { text, m: new PrometheusSamples(text) };
}

/** What the health socket sends a client, whole. */
function healthText(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const socket = connect(port, '127.0.0.1');
    socket.on('data', (c: Buffer) => {
      text += c.toString();
    });
    socket.once('end', () => resolve(text));
    socket.once('error', reject);
  });
}

/** The rows of the catalogue's Agent table. */
function agentTable(doc: string): string[] {
  const section = doc.slice(doc.indexOf('\n## Agent\n'));
  const table = section.slice(0, section.indexOf('\n## ', 1) < 0 ? undefined : section.indexOf('\n## ', 1));
  return [...table.matchAll(/^\| `([a-z0-9_]+)` \|/gm)].map((m) => m[1]!);
}

test('a long-running agent: health socket, /metrics, /healthz while it runs; the catalogue; final counts pushed to OpenTSDB', async (t) => {
  const file = join(hosts, 'loopback-http-dns-icmp.pcap');
  const [healthPort, metricsPort] = [await freeTcpPort(), await freeTcpPort()];
  const tsdb = new TelnetReceiver();
  const tsdbPort = await tsdb.listen();
  t.after(() => tsdb.close());
  const agent = startAgent(t, [
    '--read',
    '-',
    '--timestamps',
    'capture',
    '--health-port',
    String(healthPort),
    '--metrics-listen',
    `127.0.0.1:${metricsPort}`,
    '--opentsdb-telnet',
    `127.0.0.1:${tsdbPort}`,
  ]);
  // The whole capture, but the input stays open: the agent keeps running.
  agent.child.stdin!.write(readFileSync(file));
  await agent.line(/metrics: GET \/metrics, \/healthz on http 127\.0\.0\.1:\d+/);
  await agent.line(/health 127\.0\.0\.1:\d+ \(nc 127\.0\.0\.1 \d+\)/);

  const packets = tsharkValues(file, 'frame.number').length;
  let m = (await scrape(metricsPort)).m;
  for (let i = 0; m.get('flowlens_agent_packets_total') < packets && i < 500; i++)
    m = (await scrape(metricsPort)).m;
  assert.equal(m.get('flowlens_agent_packets_total'), packets, "tshark's packet count");
  assert.equal(m.get('flowlens_agent_flow_packets_total'), packets, 'every packet is IP in a flow');
  assert.equal(m.get('flowlens_agent_max_flows'), 262_144);
  assert.ok(m.get('flowlens_agent_active_flows') > 0);
  assert.equal(m.get('flowlens_health_socket_connections_total'), 0);

  // Every family it exports is catalogued; the Agent table is exactly the agent's own families
  // (export and IPFIX families appear with --server / --ipfix, kernel drops with --interface).
  const { text } = await scrape(metricsPort);
  const families = catalogueRows(text);
  const doc = readFileSync(join(repoRoot, 'docs/metrics-catalogue.md'), 'utf8');
  const missing = families.filter((r) => !doc.includes(`| \`${r.name}\` |`));
  assert.deepEqual(missing, [], `add to docs/metrics-catalogue.md:\n${catalogueMarkdown(missing)}`);
  assert.deepEqual(
    families.filter((r) => r.help === '').map((r) => r.name),
    [],
  );
  const ownFamilies = families.map((r) => r.name).filter((n) => n.startsWith('flowlens_agent_'));
  const notHere = (n: string) =>
    n.startsWith('flowlens_agent_export_') ||
    n.startsWith('flowlens_agent_ipfix_') ||
    n === 'flowlens_agent_capture_kernel_drops_total';
  assert.deepEqual(
    agentTable(doc).filter((n) => !notHere(n)),
    [...ownFamilies].sort(),
    'the Agent table lists the agent families',
  );

  const health = await healthText(healthPort);
  const lines = health.split('\n');
  assert.equal(lines[0], 'flowlens agent');
  assert.ok(lines.includes(`pid:      ${agent.child.pid}`), health);
  assert.match(health, /^status: {3}GOOD$/m);
  assert.match(
    health,
    new RegExp(`^capture +GOOD +packets_per_s=[0-9.]+ mbit_per_s=[0-9.]+ packets=${packets} `, 'm'),
  );
  assert.match(health, /^flow_table +GOOD +active_flows=\d+ max_flows=262144 /m);
  assert.doesNotMatch(health, /^export /m, 'no export component without --server or --ipfix');

  const healthz = await fetch(`http://127.0.0.1:${metricsPort}/healthz`);
  assert.equal(healthz.status, 200);
  const report = (await healthz.json()) as {
    process: { name: string; pid: number };
    components: { name: string }[];
  };
  assert.equal(report.process.name, 'flowlens agent');
  assert.equal(report.process.pid, agent.child.pid);
  assert.deepEqual(
    report.components.map((c) => c.name),
    ['capture', 'flow_table', 'failpoints'],
  );
  assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/debug`)).status, 200, 'debug for loopback');
  assert.equal((await fetch(`http://127.0.0.1:${metricsPort}/nothing`)).status, 404);
  m = (await scrape(metricsPort)).m;
  assert.equal(m.get('flowlens_health_socket_connections_total'), 1);

  agent.child.stdin!.end();
  assert.equal(await agent.exited, 0, agent.stderr());
  await tsdb.drained();

  // The records this run printed, and the counts of its last push.
  const records = agent
    .stdout()
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, string | number>);
  assert.equal(tsdb.get('flowlens_agent_records_total'), records.length);
  assert.equal(tsdb.get('flowlens_agent_flows_total'), agent.summary().flows);
  for (const protocol of ['none', 'dns', 'http', 'dhcp', 'tls'])
    assert.equal(
      tsdb.get('flowlens_agent_app_records_total', { protocol }),
      records.filter((r) => (r.app_protocol ?? 'none') === protocol).length,
      `records of ${protocol}`,
    );
  assert.equal(tsdb.get('flowlens_agent_packets_total'), packets);
  const responses = tsharkValues(file, 'dns.flags.response');
  assert.equal(
    tsdb.get('flowlens_agent_app_messages_total', { protocol: 'dns', kind: 'queries' }),
    responses.filter((r) => r === '0' || r === 'False').length,
  );
  assert.equal(
    tsdb.get('flowlens_agent_app_messages_total', { protocol: 'dns', kind: 'responses' }),
    responses.filter((r) => r === '1' || r === 'True').length,
  );
  assert.equal(
    tsdb.get('flowlens_agent_app_messages_total', { protocol: 'http', kind: 'requests' }),
    tsharkValues(file, 'http.request.method').length,
  );
  assert.equal(
    tsdb.get('flowlens_agent_tcp_zero_windows_total'),
    tsharkValues(file, 'tcp.analysis.zero_window').length,
  );
});

test("the TCP totals pushed at the end of a --read run equal tshark's flags, per direction", async (t) => {
  const file = `${gopacket}/pcapgo/tests/le/test301.pcapng`;
  const tsdb = new TelnetReceiver();
  const tsdbPort = await tsdb.listen();
  t.after(() => tsdb.close());
  const agent = startAgent(t, [
    '--read',
    file,
    '--format',
    'text',
    '--opentsdb-telnet',
    `127.0.0.1:${tsdbPort}`,
  ]);
  assert.equal(await agent.exited, 0, agent.stderr());
  await tsdb.drained();
  // tshark's flagged frames per connection, each side told apart as the agent does (tcp-expect.ts).
  const want = { retrIn: 0, retrOut: 0, oooIn: 0, oooOut: 0, zw: 0 };
  for (const f of expectedTcpFlows(await tsharkTcpFrames(file)).values()) {
    want.retrIn += f.retransmits[0];
    want.retrOut += f.retransmits[1];
    want.oooIn += f.outOfOrder[0];
    want.oooOut += f.outOfOrder[1];
    want.zw += f.zeroWindow;
  }
  assert.ok(want.retrIn + want.retrOut > 0 && want.oooIn + want.oooOut > 0, 'the capture has both');
  const got = {
    retrIn: tsdb.get('flowlens_agent_tcp_retransmitted_packets_total', { direction: 'in' }),
    retrOut: tsdb.get('flowlens_agent_tcp_retransmitted_packets_total', { direction: 'out' }),
    oooIn: tsdb.get('flowlens_agent_tcp_out_of_order_packets_total', { direction: 'in' }),
    oooOut: tsdb.get('flowlens_agent_tcp_out_of_order_packets_total', { direction: 'out' }),
    zw: tsdb.get('flowlens_agent_tcp_zero_windows_total'),
  };
  assert.deepEqual(got, want);
});

test('an asked-for health port that is taken stops the agent (exit 1); bad operations flags are usage errors (exit 2)', async (t) => {
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.after(() => taken.close());
  const port = (taken.address() as { port: number }).port;
  const busy = startAgent(t, ['--read', join(hosts, 'dns.pcap'), '--health-port', String(port)]);
  assert.equal(await busy.exited, 1);
  assert.match(busy.stderr(), new RegExp(`--health-port ${port}: listen EADDRINUSE`));
  assert.equal(busy.stdout(), '', 'nothing was read');

  for (const [flags, message] of [
    [['--metrics-listen', 'everywhere'], /--metrics-listen: expected host:port/],
    [['--health-port', '65536'], /--health-port must be 0-65535/],
    [['--server', 'http://127.0.0.1:1', '--max-spool-mb', 'lots'], /--max-spool-mb lots/],
  ] as const) {
    const bad = startAgent(t, ['--read', join(hosts, 'dns.pcap'), ...flags]);
    assert.equal(await bad.exited, 2, bad.stderr());
    assert.match(bad.stderr(), message);
  }
});
