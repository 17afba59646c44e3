import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  childPids,
  clearOfMinuteBoundary,
  processIdentity,
  recordConversations,
  startAgent,
  tcpdumpCounts,
  waitForTcpdumpCaptured,
} from './helpers/agent-live.js';
import { plain, tsharkConversations } from './helpers/agent-oracle.js';
import { flowKey } from './helpers/app-decode.js';
import { tsharkHttp } from './helpers/app-tshark.js';
import { cliPath } from './helpers/capture-dist.js';
import { httpRequest, startHttpServer, startUdpEcho, udpExchange } from './helpers/live-traffic.js';
import { requirePeer, startPeer, tempDir } from './helpers/peers.js';

const cliArgs = (args: string[]) => [cliPath, 'agent', ...args];
const NOBODY = Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' }).trim());
const UDP_COUNT = 20;
const UDP_SIZE = 100;

test('live on lo: every packet of an HTTP and UDP exchange is in the flows, as tshark counts a parallel capture', {
  timeout: 120_000,
}, async (t) => {
  assert.equal(process.getuid?.(), 0, 'this test runs as root (the agent switches to nobody)');
  const httpPort = await startHttpServer(t);
  const udpPort = await startUdpEcho(t);
  const filter = `port ${httpPort} or port ${udpPort}`;
  const file = join(tempDir(t, 'flowlens-live-'), 'parallel.pcap');
  const parallel = startPeer(t, 'tcpdump', [
    '-i',
    'lo',
    '-U',
    '--immediate-mode',
    '-B',
    '32768',
    '-n',
    '-w',
    file,
    filter,
  ]);
  await parallel.waitForOutput('listening on');
  // Closed TCP flows leave 1 s after their last packet, by the timer (no packet follows them);
  // UDP flows stay (idle timeout 300 s) until SIGTERM makes the agent export everything.
  const agent = startAgent(t, [
    '--interface',
    'lo',
    '--filter',
    filter,
    '--format',
    'json',
    '--closed-timeout',
    '1',
    '--idle-timeout',
    '300',
    '--health-port',
    '0',
  ]);
  await agent.waitFor('capturing', () => agent.stderr().includes('flowlens agent: capturing on lo'));

  // Root started it; once capturing, neither the agent nor tcpdump keeps a privilege.
  assert.deepEqual(processIdentity(agent.pid).uids, [NOBODY, NOBODY, NOBODY, NOBODY]);
  const [tcpdumpPid] = childPids(agent.pid);
  assert.ok(tcpdumpPid !== undefined, 'tcpdump runs as the agent child');
  assert.deepEqual(processIdentity(tcpdumpPid), { uids: [NOBODY, NOBODY, NOBODY, NOBODY], capEff: 0n });

  // The UDP flow must stay open until the stop: no minute boundary (which ends every record) on the way.
  await clearOfMinuteBoundary(30_000);
  const wallStart = Date.now();
  const udpClientPort = await udpExchange(udpPort, UDP_COUNT, UDP_SIZE);
  const exchanges = [
    await httpRequest(httpPort, 'GET', '/small?user=alice&token=s3cret'),
    ...(await Promise.all([
      httpRequest(httpPort, 'GET', '/big'),
      httpRequest(httpPort, 'POST', '/upload', Buffer.alloc(300_000, 0x70)),
      httpRequest(httpPort, 'GET', '/missing'),
    ])),
  ];
  // The last exchange's connection is the marker: its record can only be printed once the agent
  // has seen its last packet, and so every packet before it.
  const marker = await httpRequest(httpPort, 'HEAD', '/small');
  assert.deepEqual(
    exchanges.map((e) => [e.status, e.received]),
    [
      [200, 12],
      [200, 1 << 20],
      [200, 11],
      [404, 13],
    ],
  );
  await agent.waitFor('the marker connection record', () =>
    agent.records().some((r) => r.protocol === 6 && r.l4_src_port === marker.clientPort),
  );
  const seenAt = Date.now();
  const beforeStop = agent.records();
  assert.ok(
    !beforeStop.some((r) => r.protocol === 17),
    'the UDP flow (idle, not closed) is not exported before the stop',
  );
  process.kill(agent.pid, 'SIGTERM');
  assert.equal(await agent.exited, 0, agent.stderr());
  const summary = agent.summary();
  const live = summary.live as Record<string, number>;
  const records = agent.records();
  t.diagnostic(
    `${summary.capture_packets} packets, ${records.length} records (${beforeStop.length} before the stop)`,
  );

  // The parallel capture has everything the agent saw, then it stops.
  await waitForTcpdumpCaptured(parallel, Number(summary.capture_packets));
  await parallel.stop('SIGINT');
  const theirs = tcpdumpCounts(parallel.output())!;
  assert.equal(summary.capture_packets, theirs.captured, 'the agent saw what the parallel tcpdump wrote');
  assert.equal(live.tcpdump_captured, theirs.captured, "the agent's tcpdump says the same");
  assert.equal(live.kernel_dropped, 0, 'no kernel drops in the agent');
  assert.equal(theirs.droppedByKernel, 0, 'no kernel drops in the parallel capture');

  // Per conversation and direction, packets and IP bytes equal tshark's.
  const oracle = await tsharkConversations(file);
  const ours = recordConversations(records);
  assert.deepEqual(plain(ours, 'packets'), plain(oracle.frames, 'packets'));
  assert.deepEqual(plain(ours, 'bytes'), plain(oracle.ipBytes, 'bytes'));

  // Reasoned, not measured: the UDP exchange is 20 datagrams each way of 20 + 8 + 100 IP bytes.
  const udp = records.filter((r) => r.protocol === 17);
  const sum = (key: string) => udp.reduce((n, r) => n + Number(r[key] ?? 0), 0);
  assert.deepEqual(
    [sum('in_pkts'), sum('in_bytes'), sum('out_pkts'), sum('out_bytes')],
    [UDP_COUNT, UDP_COUNT * (28 + UDP_SIZE), UDP_COUNT, UDP_COUNT * (28 + UDP_SIZE)],
  );
  for (const r of udp)
    assert.deepEqual(
      [r.l4_src_port, r.l4_dst_port].sort(),
      [udpClientPort, udpPort].sort(),
      JSON.stringify(r),
    );

  // HTTP: each connection's request and response, as tshark decodes them (query values redacted).
  const http = await tsharkHttp(file, [httpPort]);
  assert.equal(http.size, exchanges.length + 1);
  for (const [key, flow] of http) {
    const recs = records.filter(
      (r) =>
        flowKey(String(r.src_addr), Number(r.l4_src_port), String(r.dst_addr), Number(r.l4_dst_port)) === key,
    );
    const withRequest = recs.filter((r) => r.http_method !== undefined);
    assert.equal(withRequest.length, 1, `${key}: one record carries the request`);
    const [req] = flow.requests;
    assert.deepEqual(
      {
        method: withRequest[0]!.http_method,
        url: withRequest[0]!.http_url,
        host: withRequest[0]!.http_host,
        ua: withRequest[0]!.http_ua,
        status: withRequest[0]!.http_status,
      },
      {
        method: req!.method,
        url: req!.url.replace(/=[^&]*/g, '=*'),
        host: req!.host,
        ua: req!.userAgent,
        status: flow.statuses[0],
      },
      key,
    );
  }

  // Timed as received (the default): by the wall clock, after the traffic began and before the
  // marker's record was seen.
  for (const r of records) {
    const start = Date.parse(String(r.flow_start_time));
    const end = Date.parse(String(r.flow_end_time));
    assert.ok(wallStart <= start && start <= end && end <= seenAt, JSON.stringify(r));
  }
});

test('without root: tcpdump with the capture capability, the agent an ordinary user throughout', {
  timeout: 60_000,
}, async (t) => {
  const dir = tempDir(t, 'flowlens-live-cap-');
  chmodSync(dir, 0o755);
  const tcpdump = join(dir, 'tcpdump');
  copyFileSync(requirePeer('tcpdump'), tcpdump);
  chmodSync(tcpdump, 0o755);
  execFileSync(requirePeer('setcap'), ['cap_net_raw+eip', tcpdump]);
  const udpPort = await startUdpEcho(t);
  const agent = startAgent(
    t,
    ['--interface', 'lo', '--filter', `udp port ${udpPort}`, '--tcpdump', tcpdump, '--health-port', '0'],
    [requirePeer('setpriv'), `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'],
  );
  await agent.waitFor('capturing', () => agent.stderr().includes('flowlens agent: capturing on lo'));
  assert.deepEqual(processIdentity(agent.pid), { uids: [NOBODY, NOBODY, NOBODY, NOBODY], capEff: 0n });
  const clientPort = await udpExchange(udpPort, 3, 10);
  process.kill(agent.pid, 'SIGINT');
  assert.equal(await agent.exited, 0, agent.stderr());
  const records = agent.records();
  assert.deepEqual(
    records.map((r) => [r.l4_src_port, r.l4_dst_port, r.in_pkts, r.out_pkts, r.in_bytes]),
    [[clientPort, udpPort, 3, 3, 3 * (28 + 10)]],
  );
  // --run-as needs root.
  const refused = spawnSync(
    requirePeer('setpriv'),
    [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      '--clear-groups',
      process.execPath,
      ...cliArgs(['--interface', 'lo', '--run-as', 'daemon']),
    ],
    { encoding: 'utf8' },
  );
  assert.equal(refused.status, 1, refused.stderr);
  assert.match(refused.stderr, /--run-as daemon: switching users needs root/);
});

test("tcpdump's own errors: no such interface, a bad filter, an unknown user; and bad usage", async (t) => {
  const agent = (args: string[]) => spawnSync(process.execPath, cliArgs(args), { encoding: 'utf8' });
  // What tcpdump itself says about the interface is what the agent reports.
  const direct = spawnSync(requirePeer('tcpdump'), ['-i', 'flowlens-none0', '-w', '/dev/null'], {
    encoding: 'utf8',
  });
  assert.notEqual(direct.status, 0);
  const said = direct.stderr.trim().split('\n')[0]!;
  const missing = agent(['--interface', 'flowlens-none0']);
  assert.equal(missing.status, 1, missing.stderr);
  assert.ok(
    missing.stderr.includes(`flowlens agent: flowlens-none0: ${said}`),
    `tcpdump's words (${said}) in:\n${missing.stderr}`,
  );
  assert.match(missing.stderr, /tcpdump exited with status 1/);

  const badFilter = agent(['--interface', 'lo', '--filter', 'port port']);
  assert.equal(badFilter.status, 1, badFilter.stderr);
  assert.match(badFilter.stderr, /flowlens agent: lo: tcpdump: .*syntax error/);

  const noUser = agent(['--interface', 'lo', '--run-as', 'flowlens-no-such-user']);
  assert.equal(noUser.status, 1, noUser.stderr);
  assert.match(noUser.stderr, /no user 'flowlens-no-such-user'/);

  const noTcpdump = agent(['--interface', 'lo', '--tcpdump', join(tempDir(t), 'tcpdump')]);
  assert.equal(noTcpdump.status, 1, noTcpdump.stderr);
  assert.match(noTcpdump.stderr, /tcpdump not found: live capture needs tcpdump/);

  for (const args of [
    ['--interface', 'lo', '--read', '-'],
    ['--filter', 'tcp', '--read', '-'],
    ['--interface', 'lo', '--snaplen', '12'],
    [],
  ]) {
    const usage = agent(args);
    assert.equal(usage.status, 2, `${args.join(' ')}: ${usage.stderr}`);
  }
});
