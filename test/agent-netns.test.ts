import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  clearOfMinuteBoundary,
  recordConversations,
  startAgent,
  tcpdumpCounts,
  waitForTcpdumpCaptured,
} from './helpers/agent-live.js';
import { plain, tsharkConversations } from './helpers/agent-oracle.js';
import { flowKey } from './helpers/app-decode.js';
import { tsharkHttp } from './helpers/app-tshark.js';
import { cliPath } from './helpers/capture-dist.js';
import { boundAnswers } from './helpers/dns-tshark.js';
import { dhcpMessageTypes, frameKeys, lastDhcpPerFlow, lastDnsPerFlow } from './helpers/e2e-oracle.js';
import { createNetnsPair, lossDropped, lossyInterface } from './helpers/netns.js';
import { requirePeer, startPeer, tempDir } from './helpers/peers.js';
import { expectedTcpFlows } from './helpers/tcp-expect.js';
import { endpoint, flowKey as tcpFlowKey } from './helpers/tcp-feed.js';
import { tsharkTcpFrames } from './helpers/tcp-tshark.js';

/** Inside the server namespace nothing else listens: a fixed port cannot collide there. */
const SERVER_HTTP_PORT = 8080;
const DEVICE = 'e2e-web';

type Row = Record<string, string | number>;

const columns = [
  'i_device_name',
  'src_addr',
  'dst_addr',
  'l4_src_port',
  'l4_dst_port',
  'protocol',
  'in_pkts',
  'in_bytes',
  'out_pkts',
  'out_bytes',
  'retransmitted_in_pkts',
  'retransmitted_out_pkts',
  'repeated_retransmits',
  'ooorder_in_pkts',
  'ooorder_out_pkts',
  'zero_window',
  'client_nw_latency_ms',
  'server_nw_latency_ms',
  'appl_latency_ms',
  'app_protocol',
  'http_method',
  'http_host',
  'http_url',
  'http_status',
  'http_ua',
  'dns_query',
  'dns_query_type',
  'dns_return_code',
  'dns_answers',
  'dhcp_op',
  'dhcp_msg_type',
  'dhcp_client_mac',
  'dhcp_ciaddr',
  'dhcp_yiaddr',
  'dhcp_siaddr',
  'dhcp_lease_time',
  'dhcp_host_name',
  'dhcp_domain',
  'flow_start_time',
  'flow_end_time',
];

function dnsmasqConfig(dir: string, dev: string): string {
  return [
    `interface=${dev}`,
    'bind-interfaces',
    'listen-address=10.77.0.1',
    'no-resolv',
    'no-hosts',
    'domain=flows.test',
    'host-record=www.flows.test,10.77.0.1',
    'address=/example.test/10.77.0.9',
    'txt-record=flows.test,"v=flows"',
    'mx-host=flows.test,mail.flows.test,10',
    'cname=alias.flows.test,www.flows.test',
    'dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,1h',
    `dhcp-leasefile=${dir}/leases`,
    'dhcp-authoritative',
    'no-ping',
    'user=root',
    '',
  ].join('\n');
}

test('end to end: two namespaces, real HTTP, DNS and DHCP with 5% TCP loss, the agent live to a flowlens server', {
  timeout: 300_000,
}, async (t) => {
  assert.equal(process.getuid?.(), 0, 'network namespaces need root');
  const dir = tempDir(t, 'flowlens-e2e-');
  const www = join(dir, 'www');
  mkdirSync(www);
  const small = '<html><body>hello flows</body></html>\n';
  writeFileSync(join(www, 'small.html'), small);
  writeFileSync(join(www, 'big.bin'), Buffer.alloc(2_000_000, 0x42));
  const net = createNetnsPair(t);
  writeFileSync(join(dir, 'dnsmasq.conf'), dnsmasqConfig(dir, net.serverIf));

  // The server side: flowlens server on its loopback, an HTTP server and dnsmasq on the veth.
  const server = startPeer(t, 'ip', [
    'netns',
    'exec',
    net.server,
    process.execPath,
    cliPath,
    'server',
    '--data',
    join(dir, 'data'),
    '--http-port',
    String(SERVER_HTTP_PORT),
    ...['--pg-port', '--netflow-port', '--sflow-port', '--ipfix-tcp-port', '--health-port'].flatMap((f) => [
      f,
      '0',
    ]),
  ]);
  const http = net.start(net.server, 'python3', [
    '-m',
    'http.server',
    '80',
    '--bind',
    net.serverAddr,
    '--directory',
    www,
  ]);
  const dnsmasq = net.start(net.server, 'dnsmasq', [
    '-C',
    join(dir, 'dnsmasq.conf'),
    '-k',
    '--log-facility=-',
    `--pid-file=${dir}/dnsmasq.pid`,
  ]);
  await Promise.all([
    server.waitForOutput('ready: storing flows', 30_000),
    http.waitForOutput('Serving HTTP', 10_000),
    dnsmasq.waitForOutput('DHCP, sockets bound exclusively', 10_000),
  ]);

  // The capture beside the agent, then the agent, live on the server's veth, sending to the server.
  const file = join(dir, 'beside.pcap');
  const seen = join(dir, 'agent.pcap'); // the agent's own capture, saved by --write
  const beside = net.start(net.server, 'tcpdump', [
    '-i',
    net.serverIf,
    '-U',
    '--immediate-mode',
    '-B',
    '32768',
    '-n',
    '-w',
    file,
  ]);
  await beside.waitForOutput('listening on');
  const agent = startAgent(
    t,
    [
      '--interface',
      net.serverIf,
      '--server',
      `http://127.0.0.1:${SERVER_HTTP_PORT}`,
      '--device',
      DEVICE,
      '--user',
      'flowlens',
      '--format',
      'json',
      '--closed-timeout',
      '2',
      '--idle-timeout',
      '300',
      '--health-port',
      '0',
      '--write',
      seen,
    ],
    ['ip', 'netns', 'exec', net.server],
    { FLOWLENS_PASSWORD: 'flowlens' },
  );
  await agent.waitFor('capturing', () =>
    agent.stderr().includes(`flowlens agent: capturing on ${net.serverIf}`),
  );

  // The client side: loss on its veth, then a DHCP exchange, DNS queries and HTTP downloads.
  lossyInterface(net, net.client, net.clientIf, 5);
  // udhcpc: -q quit once leased, -n fail without one, -s /bin/true leave the interface alone.
  net.run(net.client, 'udhcpc', [
    '-i',
    net.clientIf,
    '-f',
    '-q',
    '-n',
    '-t',
    '5',
    '-T',
    '1',
    '-s',
    '/bin/true',
    '-x',
    'hostname:flowlens-client',
  ]);
  for (const [name, type, ...extra] of [
    ['www.flows.test', 'A'],
    ['alias.flows.test', 'A'],
    ['flows.test', 'MX'],
    ['flows.test', 'TXT'],
    ['foo.example.test', 'A'],
    ['nothing.flows.test', 'A'],
    ['www.flows.test', 'A', '+tcp'],
  ])
    net.run(net.client, 'dig', ['+tries=3', '+time=2', ...extra, `@${net.serverAddr}`, name!, type!]);
  const curl = (path: string, ...extra: string[]) =>
    net.run(net.client, 'curl', [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{size_download} %{local_port}',
      '-A',
      'flowlens-e2e',
      '--resolve',
      `www.flows.test:80:${net.serverAddr}`,
      ...extra,
      `http://www.flows.test${path}`,
    ]);
  const results = [
    curl('/small.html?user=alice&key=s3cret'),
    curl('/big.bin'),
    curl('/missing'),
    curl('/small.html', '-I'),
  ];
  assert.deepEqual(
    results.map((r) => r.split(' ').slice(0, 2)),
    [
      ['200', `${small.length}`],
      ['200', '2000000'],
      ['404', results[2]!.split(' ')[1]],
      ['200', '0'],
    ],
  );
  const lastPort = Number(results[3]!.split(' ')[2]);
  const dropped = lossDropped(net, net.client);

  // Every packet is in the agent once the last connection's record is out (2 s after its last
  // packet: the agent handles packets in order).
  await agent.waitFor(
    'the last connection record',
    () => agent.records().some((r) => r.protocol === 6 && r.l4_src_port === lastPort),
    60_000,
  );
  // The wire goes quiet before the agent stops (a late retransmission would otherwise reach only
  // the capture beside it).
  execFileSync(requirePeer('ip'), ['-n', net.client, 'link', 'set', net.clientIf, 'down']);
  process.kill(agent.pid, 'SIGTERM');
  assert.equal(await agent.exited, 0, agent.stderr());
  const summary = agent.summary();
  await waitForTcpdumpCaptured(beside, Number(summary.capture_packets));
  await beside.stop('SIGINT');
  const besideCounts = tcpdumpCounts(beside.output())!;
  assert.equal(summary.capture_packets, besideCounts.captured, 'the agent saw what tcpdump beside it wrote');
  assert.equal((summary.live as Record<string, number>).kernel_dropped, 0);
  assert.equal(besideCounts.droppedByKernel, 0);
  const exported = summary.export as Record<string, number>;
  assert.equal(exported.rows, summary.records, 'every record was handed to the sender');
  assert.equal(exported.sent_rows, summary.records, 'and acknowledged by the server');

  // The flows the server stored.
  const answer = JSON.parse(
    net.run(
      net.server,
      'curl',
      [
        '-s',
        '-u',
        'flowlens:flowlens',
        '--data-binary',
        '@-',
        `http://127.0.0.1:${SERVER_HTTP_PORT}/api/v1/query`,
      ],
      JSON.stringify({ sql: `SELECT ${columns.join(', ')} FROM all_devices ORDER BY flow_start_time` }),
    ),
  ) as { fields: { name: string }[]; rows: (string | number)[][] };
  const rows: Row[] = answer.rows.map((r) =>
    Object.fromEntries(answer.fields.map((f, i) => [f.name, r[i]!])),
  );
  t.diagnostic(
    `${summary.capture_packets} packets, ${rows.length} flows stored; nftables dropped ${dropped} TCP packets`,
  );
  assert.equal(rows.length, agent.records().length, 'the server stored what the agent printed');
  assert.ok(rows.every((r) => r.i_device_name === DEVICE));
  const key = (r: Row) =>
    flowKey(String(r.src_addr), Number(r.l4_src_port), String(r.dst_addr), Number(r.l4_dst_port));

  // Packets and IP bytes per conversation and direction.
  const oracle = await tsharkConversations(file);
  const ours = recordConversations(rows);
  assert.deepEqual(plain(ours, 'packets'), plain(oracle.frames, 'packets'));
  assert.deepEqual(plain(ours, 'bytes'), plain(oracle.ipBytes, 'bytes'));

  // TCP per connection, against tshark's analysis of the capture the agent saved (--write): the
  // same packets with the same timestamps, so every count and latency must be equal. (The capture
  // beside the agent has the same packets but not the same times: the kernel stamps a received
  // TCP segment separately for each packet socket, and on a loaded machine the two stamps of one
  // segment were measured up to 27 ms apart.)
  assert.equal(
    (await tsharkTcpFrames(seen)).length,
    (await tsharkTcpFrames(file)).length,
    'the saved capture has the TCP segments tcpdump beside the agent wrote',
  );
  const expected = expectedTcpFlows(await tsharkTcpFrames(seen));
  let retransmissions = 0;
  for (const [conn, want] of expected) {
    const recs = rows.filter(
      (r) =>
        r.protocol === 6 &&
        tcpFlowKey(
          endpoint(String(r.src_addr), Number(r.l4_src_port)),
          endpoint(String(r.dst_addr), Number(r.l4_dst_port)),
        ) === conn,
    );
    const sum = (c: string) => recs.reduce((n, r) => n + Number(r[c]), 0);
    const max = (c: string) => recs.reduce((n, r) => Math.max(n, Number(r[c])), 0);
    assert.deepEqual(
      {
        client: endpoint(String(recs[0]!.src_addr), Number(recs[0]!.l4_src_port)),
        retransmits: [sum('retransmitted_in_pkts'), sum('retransmitted_out_pkts')],
        outOfOrder: [sum('ooorder_in_pkts'), sum('ooorder_out_pkts')],
        zeroWindow: sum('zero_window'),
        repeatedRetransmits: sum('repeated_retransmits'),
        clientNwLatencyMs: max('client_nw_latency_ms'),
        serverNwLatencyMs: max('server_nw_latency_ms'),
        applLatencyMs: max('appl_latency_ms'),
      },
      {
        client: want.client,
        retransmits: want.retransmits,
        outOfOrder: want.outOfOrder,
        zeroWindow: want.zeroWindow,
        repeatedRetransmits: want.repeatedRetransmits,
        clientNwLatencyMs: want.clientNwLatencyMs,
        serverNwLatencyMs: want.serverNwLatencyMs,
        applLatencyMs: want.applLatencyMs,
      },
      conn,
    );
    retransmissions += want.retransmits[0] + want.retransmits[1] + want.outOfOrder[0] + want.outOfOrder[1];
  }
  assert.ok(retransmissions > 0, 'the loss was real: tshark flags retransmitted or out-of-order segments');

  // HTTP: each connection's request and response (query values redacted).
  const httpFlows = await tsharkHttp(file);
  assert.equal(httpFlows.size, 4);
  for (const [conn, flow] of httpFlows) {
    const carrying = rows.filter((r) => key(r) === conn && r.http_method !== '');
    assert.equal(carrying.length, 1, `${conn}: one record carries the request`);
    const r = carrying[0]!;
    const req = flow.requests[0]!;
    assert.deepEqual(
      [r.http_method, r.http_host, r.http_url, r.http_ua, r.http_status],
      [req.method, req.host, req.url.replace(/=[^&]*/g, '=*'), req.userAgent, flow.statuses[0]],
      conn,
    );
  }

  // DNS and DHCP: each flow's last record carries its last message's fields, as tshark decodes them.
  const keys = frameKeys(file);
  const lastRecord = (conn: string) => rows.filter((r) => key(r) === conn).pop()!;
  const dns = lastDnsPerFlow(file, keys);
  // One flow per query, and another whenever dig gave up on a lossy TCP connection and opened a new one.
  assert.ok(dns.size >= 7, `${dns.size} DNS flows`);
  for (const [conn, m] of dns) {
    const r = lastRecord(conn);
    assert.deepEqual(
      [r.app_protocol, r.dns_query, r.dns_query_type, r.dns_return_code, r.dns_answers],
      ['dns', m.query, m.queryType, m.rcode, boundAnswers(m.answers, 512)],
      conn,
    );
  }
  const dhcpFlows = lastDhcpPerFlow(file, keys);
  // Discover and Request broadcast from 0.0.0.0:68, Offer and ACK sent to the offered address.
  assert.equal(dhcpFlows.size, 2);
  assert.deepEqual([...new Set(dhcpMessageTypes(file))].sort(), [1, 2, 3, 5], 'a whole DHCP exchange');
  for (const [conn, want] of dhcpFlows) {
    const r = lastRecord(conn);
    const got = Object.fromEntries(Object.keys(want).map((c) => [c, r[c]]));
    assert.deepEqual(got, want, conn);
  }
});

test('tcpdump failing mid-capture (the interface is deleted): the flows so far are exported, exit 1 with its words', {
  timeout: 60_000,
}, async (t) => {
  assert.equal(process.getuid?.(), 0, 'network namespaces need root');
  const net = createNetnsPair(t);
  const agent = startAgent(
    t,
    [
      '--interface',
      net.clientIf,
      '--format',
      'json',
      '--closed-timeout',
      '1',
      '--idle-timeout',
      '300',
      '--health-port',
      '0',
    ],
    ['ip', 'netns', 'exec', net.client],
  );
  await agent.waitFor('capturing', () =>
    agent.stderr().includes(`flowlens agent: capturing on ${net.clientIf}`),
  );
  // A DNS query nobody answers (its flow stays open: idle timeout 300 s, and no minute boundary
  // for the next 20 s), then a refused TCP connection, whose closed flow is exported a second
  // later: the agent has seen both.
  await clearOfMinuteBoundary(20_000);
  assert.throws(() =>
    net.run(net.client, 'dig', ['+tries=1', '+time=1', `@${net.serverAddr}`, 'x.flows.test']),
  );
  assert.throws(() => net.run(net.client, 'curl', ['-s', `http://${net.serverAddr}:81/`]));
  await agent.waitFor('the refused connection record', () =>
    agent.records().some((r) => r.protocol === 6 && r.l4_dst_port === 81),
  );
  assert.ok(!agent.records().some((r) => r.l4_dst_port === 53), 'the DNS flow is still open');
  execFileSync(requirePeer('ip'), ['-n', net.client, 'link', 'del', net.clientIf]);
  assert.equal(await agent.exited, 1, agent.stderr());
  assert.match(
    agent.stderr(),
    new RegExp(`flowlens agent: ${net.clientIf}: tcpdump: .*\\(tcpdump exited with status 1\\)`),
  );
  const dns = agent.records().filter((r) => r.l4_dst_port === 53);
  assert.equal(dns.length, 1, 'the open DNS flow was exported when the capture ended');
  assert.equal(dns[0]!.dns_query, 'x.flows.test');
  assert.equal((agent.summary().live as Record<string, unknown>).interface, net.clientIf);
});
