import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { type TestContext, test } from 'node:test';
import pg from 'pg';
import { Registry } from '../src/metrics/registry.js';
import type { PgServerConfig } from '../src/server/pg/config.js';
import { createPgServer } from '../src/server/pg/server.js';
import { ManualClock } from './helpers/manual-clock.js';
import { metricValue, sumOf } from './helpers/metric-read.js';
import { metricSeries, metricsWithoutHelp } from './helpers/metric-values.js';
import { tempDir, waitFor } from './helpers/peers.js';
import { createFakeEngine, fakeEngineEvents } from './helpers/pg-fake-engine.js';
import { cstr, int32, RawClient } from './helpers/pg-raw-client.js';
import { runClient, testUsers } from './helpers/pg-test-server.js';

/**
 * The wire server's metrics (src/server/pg/pg-metrics.ts), driven by real clients — node-postgres,
 * psql, and a byte-level client — against the fake engine. Every expected number is what the test
 * itself did, counted beside the action.
 */

async function start(
  t: TestContext,
  registry: Registry,
  config: Partial<PgServerConfig> = {},
): Promise<number> {
  const engine = await createFakeEngine();
  const server = createPgServer({ engine, users: testUsers, metrics: registry }, { port: 0, ...config });
  const port = await server.start();
  t.after(() => server.stop());
  return port;
}

async function connect(port: number, password = 'flowlens'): Promise<pg.Client> {
  const c = new pg.Client({ host: '127.0.0.1', port, user: 'flowlens', password, database: 'flowlens' });
  c.on('error', () => {});
  await c.connect();
  return c;
}

test('node-postgres: connections, sessions, statements by protocol, a wrong password, a syntax error, session durations', async (t) => {
  const clock = new ManualClock();
  const registry = new Registry({ clock });
  const port = await start(t, registry);
  const v = (name: string, tags: Record<string, string> = {}) => metricValue(registry, name, tags);

  const clients = [await connect(port), await connect(port), await connect(port)];
  // Three TCP connections, all through SCRAM; node-postgres asks for no TLS unless told to.
  assert.equal(v('flowlens_pg_connections_accepted_total'), 3);
  assert.equal(v('flowlens_pg_connections_open', { tls: 'false' }), 3);
  assert.equal(v('flowlens_pg_connections_open', { tls: 'true' }), 0);
  assert.equal(v('flowlens_pg_sessions_started_total', { tls: 'false' }), 3);
  assert.equal(v('flowlens_pg_sessions_open', { tls: 'false' }), 3);

  await assert.rejects(connect(port, 'not the password'), { code: '28P01' });
  // A fourth connection, refused at the SCRAM proof: accepted, no session, closed again.
  assert.equal(v('flowlens_pg_connections_accepted_total'), 4);
  assert.equal(v('flowlens_pg_auth_failures_total', { reason: 'password' }), 1);
  assert.equal(v('flowlens_pg_sessions_started_total', { tls: 'false' }), 3);
  assert.equal(v('flowlens_pg_connections_open', { tls: 'false' }), 3);

  const [a, b, c] = clients as [pg.Client, pg.Client, pg.Client];
  assert.equal((await a.query('select three()')).rowCount, 3); // simple protocol (no parameters): 3 rows
  assert.equal((await b.query('select echo($1)', ['x'])).rowCount, 1); // extended (parameters): 1 row
  await assert.rejects(c.query('selec 1'), { code: '42601' }); // found when the text is split: nothing runs
  await assert.rejects(c.query('select nope()'), { code: '42P01' }); // simple; the engine runs it and fails
  assert.equal(v('flowlens_pg_statements_total', { protocol: 'simple' }), 2);
  assert.equal(v('flowlens_pg_statements_total', { protocol: 'extended' }), 1);
  assert.equal(v('flowlens_pg_sent_rows_total'), 3 + 1);

  clock.advance(2_000);
  await Promise.all(clients.map((client) => client.end()));
  // Each of the three sessions lasted the 2 s the clock moved while they were open.
  assert.equal(v('flowlens_pg_sessions_open', { tls: 'false' }), 0);
  assert.equal(v('flowlens_pg_connections_open', { tls: 'false' }), 0);
  assert.equal(v('flowlens_pg_session_duration_seconds'), 3);
  assert.equal(sumOf(registry, 'flowlens_pg_session_duration_seconds'), 3 * 2);

  // Every error the clients were sent, and nothing else (XX000 is registered at 0 from the start).
  assert.deepEqual(metricSeries(registry, 'flowlens_pg_errors_total'), {
    'code=XX000': 0,
    'code=28P01': 1,
    'code=42601': 1,
    'code=42P01': 1,
  });
  assert.deepEqual(metricSeries(registry, 'flowlens_pg_protocol_errors_total'), {
    'phase=startup': 0,
    'phase=session': 0,
  });
  assert.deepEqual(metricsWithoutHelp(registry, 'flowlens_pg_'), []);
});

test('psql: TLS sessions and handshakes, a wrong password, a client without a password', async (t) => {
  const dir = tempDir(t);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'].concat([
      '-keyout',
      `${dir}/key.pem`,
      '-out',
      `${dir}/cert.pem`,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
    ]),
    { stdio: 'ignore', timeout: 30_000 },
  );
  const registry = new Registry();
  const port = await start(t, registry, {
    tlsCert: readFileSync(`${dir}/cert.pem`, 'utf8'),
    tlsKey: readFileSync(`${dir}/key.pem`, 'utf8'),
  });
  const v = (name: string, tags: Record<string, string> = {}) => metricValue(registry, name, tags);
  const target = (ssl: string) =>
    `host=127.0.0.1 port=${port} user=flowlens dbname=flowlens sslmode=${ssl} gssencmode=disable`;
  const noPassFile = { PGPASSFILE: '/dev/null' };

  const ok = await runClient(
    'psql',
    ['-X', '-At', target('require'), '-c', 'select three()'],
    'flowlens',
    noPassFile,
  );
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout.trim().split('\n').length, 3);
  // One connection, switched to TLS, one session over it, one simple statement of 3 rows.
  assert.equal(v('flowlens_pg_connections_accepted_total'), 1);
  assert.equal(v('flowlens_pg_tls_handshakes_total', { result: 'ok' }), 1);
  assert.equal(v('flowlens_pg_sessions_started_total', { tls: 'true' }), 1);
  assert.equal(v('flowlens_pg_sessions_started_total', { tls: 'false' }), 0);
  assert.equal(v('flowlens_pg_statements_total', { protocol: 'simple' }), 1);
  assert.equal(v('flowlens_pg_sent_rows_total'), 3);

  const wrong = await runClient(
    'psql',
    ['-X', '-At', target('disable'), '-c', 'select 1'],
    'nope',
    noPassFile,
  );
  assert.notEqual(wrong.code, 0);
  assert.match(wrong.stderr, /password authentication failed/);
  // Without TLS this time (sslmode=disable): refused at the password, before any session.
  assert.equal(v('flowlens_pg_connections_accepted_total'), 2);
  assert.equal(v('flowlens_pg_auth_failures_total', { reason: 'password' }), 1);
  assert.equal(v('flowlens_pg_sessions_started_total', { tls: 'false' }), 0);
  assert.equal(metricSeries(registry, 'flowlens_pg_errors_total')['code=28P01'], 1);

  // psql -w with no password at hand: libpq hangs up when asked for one ("no password supplied").
  const none = await runClient('psql', ['-X', '-w', target('disable'), '-c', 'select 1'], '', noPassFile);
  assert.notEqual(none.code, 0);
  assert.match(none.stderr, /no password supplied/);
  // psql has exited; the server sees the hang-up on its own schedule.
  await waitFor(
    () => v('flowlens_pg_auth_failures_total', { reason: 'abandoned' }) === 1,
    'the abandoned authentication to be counted',
  );
  assert.equal(v('flowlens_pg_connections_accepted_total'), 3);
  assert.equal(v('flowlens_pg_tls_handshakes_total', { result: 'failed' }), 0);
});

test('bytes received and sent are what the client wrote and read', async (t) => {
  const registry = new Registry();
  const port = await start(t, registry, { auth: 'password' });
  const client = await RawClient.login(port);
  client.query('select three()');
  await client.until('Z');
  client.send('X');
  await client.closedByServer();
  // The server has read everything the client wrote, and the client everything the server wrote.
  assert.equal(metricValue(registry, 'flowlens_pg_received_bytes_total'), client.socket.bytesWritten);
  assert.equal(metricValue(registry, 'flowlens_pg_sent_bytes_total'), client.socket.bytesRead);
  assert.ok(client.socket.bytesRead > 0);
  assert.equal(metricValue(registry, 'flowlens_pg_connections_open', { tls: 'false' }), 0);
});

test('protocol errors by phase, a startup without a user, the auth timeout, CancelRequests', async (t) => {
  const registry = new Registry();
  const port = await start(t, registry, { auth: 'password', authTimeoutMs: 500 });
  const v = (name: string, tags: Record<string, string> = {}) => metricValue(registry, name, tags);

  // Protocol 2.0: FATAL 08P01 before any session.
  const old = await RawClient.open(port);
  const body = Buffer.concat([int32(2 << 16), cstr('user'), cstr('flowlens'), Buffer.from([0])]);
  old.write(Buffer.concat([int32(body.length + 4), body]));
  await old.closedByServer();
  assert.equal(v('flowlens_pg_protocol_errors_total', { phase: 'startup' }), 1);

  // A Describe of subtype X in a session: ERROR 08P01, and the session goes on.
  const session = await RawClient.login(port);
  session.send('D', Buffer.concat([Buffer.from('X'), cstr('')]));
  session.sync();
  const replies = await session.until('Z');
  assert.deepEqual(
    replies.map((m) => m.type),
    ['E', 'Z'],
  );
  assert.equal(v('flowlens_pg_protocol_errors_total', { phase: 'session' }), 1);

  // A startup packet without a user: FATAL 28000.
  const anonymous = await RawClient.open(port);
  anonymous.startup({ database: 'flowlens' });
  await anonymous.closedByServer();
  assert.equal(v('flowlens_pg_auth_failures_total', { reason: 'no_user' }), 1);

  // Connected and silent past authTimeoutMs: the server hangs up.
  const silent = await RawClient.open(port);
  await silent.closedByServer();
  assert.equal(v('flowlens_pg_auth_failures_total', { reason: 'timeout' }), 1);

  // CancelRequests on their own connections: a wrong key, then the session's own.
  const slow = await connect(port);
  const started = once(fakeEngineEvents, 'slow-started');
  const running = assert.rejects(slow.query('select slow(60000)'), { code: '57014' });
  await started;
  const { processID, secretKey } = slow as unknown as { processID: number; secretKey: number };
  await sendCancel(port, processID, secretKey ^ 1);
  assert.equal(v('flowlens_pg_cancel_requests_total', { result: 'unmatched' }), 1);
  await sendCancel(port, processID, secretKey);
  await running;
  assert.equal(v('flowlens_pg_cancel_requests_total', { result: 'matched' }), 1);
  await slow.end();
  session.send('X');
  await session.closedByServer();

  // Connections: old, session, anonymous, silent, slow, and two cancel connections.
  assert.equal(v('flowlens_pg_connections_accepted_total'), 7);
  assert.deepEqual(metricSeries(registry, 'flowlens_pg_errors_total'), {
    'code=XX000': 0,
    'code=08P01': 2,
    'code=28000': 1,
    'code=57014': 1,
  });
  assert.equal(v('flowlens_pg_sessions_open', { tls: 'false' }), 0);
  assert.equal(v('flowlens_pg_connections_open', { tls: 'false' }), 0);
  assert.equal(v('flowlens_pg_session_duration_seconds'), 2);
});

async function sendCancel(port: number, pid: number, secret: number): Promise<void> {
  const raw = await RawClient.open(port);
  raw.write(Buffer.concat([int32(16), int32(80877102), int32(pid), int32(secret)]));
  await raw.closedByServer();
}
