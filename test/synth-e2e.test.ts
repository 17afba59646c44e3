import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import net from 'node:net';
import { test } from 'node:test';
import { freeTcpPort, tempDir } from './helpers/peers.js';
import { authHeader, cli, type ServerProcess, startServer } from './helpers/server-process.js';

/**
 * End to end: a real `flowlens server` and a real `flowlens synth` agent process, 50 TCP-connect
 * tests (the real tcp probe, against a listener of this test) every second. Results show in SQL
 * shortly after the agent starts; the server is then killed (SIGKILL) for a while and restarted
 * on the same port and data, and once the agent is stopped everything it ran is in SQL exactly
 * once: per test, one row per run time, as many rows as the agent says it ran, and the runs of
 * the outage among them.
 */

const TESTS = 50;
const TOKEN = 'synth-e2e-token-0123456789';
/** Seconds the server stays down (the 30 s with FLOWLENS_SYNTH_E2E_OUTAGE_S=30). */
const OUTAGE_S = Number(process.env.FLOWLENS_SYNTH_E2E_OUTAGE_S ?? 5);

async function poll<T>(what: string, read: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A timestamptz literal of ms since the epoch: '2026-01-05 10:00:00.123+00'. */
function literal(ms: number): string {
  return `'${new Date(ms).toISOString().replace('T', ' ').replace('Z', '+00')}'`;
}

async function sql(url: string, query: string): Promise<unknown[][]> {
  const res = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: authHeader(), 'content-type': 'application/json' },
    body: JSON.stringify({ sql: query }),
  });
  const body = (await res.json()) as { rows?: unknown[][]; error?: { message: string } };
  if (res.status !== 200) throw new Error(`${query}: ${res.status} ${body.error?.message}`);
  return body.rows!;
}

function startAgent(
  url: string,
  spool: string,
): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    [
      cli,
      'synth',
      '--server',
      url,
      '--token',
      TOKEN,
      '--name',
      'e2e',
      '--spool',
      spool,
      '--export-interval-s',
      '1',
      '--poll-interval-s',
      '1',
      '--status-interval-s',
      '2',
      '--health-port',
      '0',
      '--log-format',
      'json',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)));
  return { child, stderr: () => stderr, exited };
}

test('server + agent + 50 tests: results in SQL, none lost or duplicated across a server crash', {
  timeout: 180_000,
}, async (t) => {
  const dir = tempDir(t, 'flowlens-synth-e2e-');
  const data = `${dir}/data`;
  writeFileSync(
    `${dir}/config.json`,
    JSON.stringify({
      users: [{ name: 'flowlens', password: 'flowlens', admin: true }],
      synthTokens: [TOKEN],
    }),
  );
  // What the tests connect to.
  const target = net.createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  t.after(() => target.close());
  const targetPort = (target.address() as net.AddressInfo).port;

  const httpPort = await freeTcpPort();
  const start = async (): Promise<ServerProcess> => {
    const server = await startServer(data, {
      args: ['--config', `${dir}/config.json`, '--http-port', String(httpPort), '--fsync', 'never'],
    });
    t.after(() => server.child.kill('SIGKILL'));
    // Our --http-port overrides the helper's: wait for readiness on ours.
    await poll(
      'the server to be ready',
      async () => {
        const res = await fetch(`${url}/api/v1/status`);
        return ((await res.json()) as { phase: string }).phase === 'ready' ? true : undefined;
      },
      20_000,
    );
    return server;
  };
  const url = `http://127.0.0.1:${httpPort}`;
  let server = await start();
  const ids: string[] = [];
  for (let i = 0; i < TESTS; i++) {
    const res = await fetch(`${url}/api/v1/synth/tests`, {
      method: 'POST',
      headers: { authorization: authHeader(), 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'tcp',
        target: '127.0.0.1',
        port: targetPort,
        intervalS: 1,
        timeoutMs: 900,
        label: `e2e ${i}`,
      }),
    });
    assert.equal(res.status, 201);
    ids.push(((await res.json()) as { test: { id: string } }).test.id);
  }

  const agent = startAgent(url, `${dir}/spool`);
  t.after(() => agent.child.kill('SIGKILL'));
  // Every test has results in SQL soon after the agent starts: its first runs come within a second
  // (random offsets), the export within the next.
  await poll(
    'results of all 50 tests in SQL',
    async () => {
      const rows = await sql(url, 'SELECT count(DISTINCT test_id) FROM synth_tcp WHERE ok = 1');
      return rows[0]![0] === TESTS ? true : undefined;
    },
    15_000,
  );

  // The crash: the agent keeps testing and buffers (its spool) until the server is back.
  server.child.kill('SIGKILL');
  await server.exited;
  const downAt = Date.now();
  await new Promise((resolve) => setTimeout(resolve, OUTAGE_S * 1000));
  const upAt = Date.now();
  server = await start();
  // Runs of the outage arrive: every test has rows timed inside it.
  await poll(
    'the outage runs of every test',
    async () => {
      const rows = await sql(
        url,
        `SELECT test_id, count(*) FROM synth_tcp WHERE time >= ${literal(downAt + 1000)} AND time < ${literal(upAt)} GROUP BY test_id`,
      );
      return rows.length === TESTS && rows.every((r) => Number(r[1]) >= OUTAGE_S - 2) ? rows : undefined;
    },
    30_000,
  );

  // Stop the agent while the server is up: it sends what is left, then says what it ran.
  agent.child.kill('SIGTERM');
  assert.equal(await agent.exited, 0, agent.stderr());
  const stopped = agent
    .stderr()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map(
      (l) =>
        JSON.parse(l) as {
          msg: string;
          runs?: number;
          left?: number;
          dropped?: number;
          missed?: number;
          overrun?: number;
        },
    )
    .find((l) => l.msg.startsWith('stopped:'));
  assert.ok(stopped, agent.stderr());
  assert.deepEqual([stopped.left, stopped.dropped], [0, 0], 'nothing left behind or dropped');

  const perTest = await sql(
    url,
    'SELECT test_id, count(*), count(DISTINCT time), min(time), max(time) FROM synth_tcp GROUP BY test_id ORDER BY test_id',
  );
  assert.deepEqual(
    perTest.map((r) => r[0]),
    [...ids].sort(),
    'every test has rows',
  );
  let total = 0;
  for (const [id, count, distinct, min, max] of perTest as [string, number, number, string, string][]) {
    total += count;
    assert.equal(count, distinct, `${id}: no run time stored twice`);
    // One run per second from the first to the last: a gap is a lost result (unless ticks were skipped).
    const span = (Date.parse(max) - Date.parse(min)) / 1000 + 1;
    if (stopped.missed === 0 && stopped.overrun === 0)
      assert.equal(count, span, `${id}: no run missing between ${min} and ${max}`);
  }
  assert.equal(total, stopped.runs, 'as many rows as the agent finished runs');
  await server.stop();
});
