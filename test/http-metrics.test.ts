import assert from 'node:assert/strict';
import { Agent, request } from 'node:http';
import { test } from 'node:test';
import type { HealthReport } from '../src/metrics/health.js';
import { Profiler } from '../src/metrics/profiler.js';
import { Registry } from '../src/metrics/registry.js';
import { Users } from '../src/server/auth/users.js';
import { debugMount } from '../src/server/http/debug.js';
import { healthzMount } from '../src/server/http/healthz.js';
import { newIngestStats } from '../src/server/http/ingest.js';
import { newQueryStats } from '../src/server/http/query.js';
import { apiRoutes } from '../src/server/http/routes.js';
import { createHttpServer } from '../src/server/http.js';
import { fixedEngine } from './helpers/fixed-engine.js';
import { metricValue } from './helpers/metric-read.js';
import { metricSeries, metricsWithoutHelp } from './helpers/metric-values.js';
import { freeTcpPort, waitFor } from './helpers/peers.js';
import { basic, restUsers } from './helpers/rest-server.js';

/**
 * The HTTP API server's metrics (src/server/http/http-metrics.ts): requests by route and status,
 * a timer per route, errors by their JSON code, auth failures, connections. Driven by node:http
 * clients whose connections the test controls (a keep-alive agent of one socket, and one-request
 * connections), so the connection counts are known; every expected number is the test's own
 * requests, tallied beside them.
 */

const report = { status: 'GOOD', checkedAt: '', process: {}, components: [] } as unknown as HealthReport;

interface Reply {
  readonly status: number;
  readonly body: string;
}

function send(
  port: number,
  method: string,
  path: string,
  options: { agent: Agent | false; headers?: Record<string, string>; body?: string },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, method, path, agent: options.agent, headers: options.headers ?? {} },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

test('requests by route and status, a timer per route, errors by code, auth failures, connections', async (t) => {
  const registry = new Registry();
  const engine = fixedEngine();
  const users = new Users(restUsers.users, restUsers.tokens);
  const routes = apiRoutes({
    store: { jobs: async () => [], read: () => Promise.reject(new Error('no reads in this test')) },
    users,
    metrics: registry,
    version: '0.0.0-test',
    ingest: { phase: () => 'ready', append: async () => {}, maxBodyBytes: 1 << 20, stats: newIngestStats() },
    query: { engine, maxBodyBytes: 1 << 20, stats: newQueryStats(), log: () => {} },
    status: () => ({ phase: 'ready' }),
  });
  const mounts = [
    healthzMount(() => report),
    debugMount({ users, profiler: new Profiler(), processName: 'flowlens-test', log: () => {} }),
  ];
  const port = await freeTcpPort();
  const http = createHttpServer(
    { routes, mounts, log: () => {}, metrics: registry },
    { port, listen: '127.0.0.1' },
  );
  await http.start();
  t.after(() => http.stop(100));

  const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => keepAlive.destroy());
  const flowlens = basic('flowlens', 'flowlens');
  const query = (sql: string, authorization?: string) =>
    send(port, 'POST', '/api/v1/query', {
      agent: keepAlive,
      headers: {
        'content-type': 'application/json',
        ...(authorization === undefined ? {} : { authorization }),
      },
      body: JSON.stringify({ sql }),
    });
  const get = (path: string, headers: Record<string, string> = {}) =>
    send(port, 'GET', path, { agent: keepAlive, headers });

  // Every answer, with the route the test called: the oracle of the request and error counts.
  const answers: { route: string; status: number; code?: string }[] = [];
  const tally = async (route: string, reply: Promise<Reply>, expected: number) => {
    const { status, body } = await reply;
    assert.equal(status, expected, body);
    const code = status >= 400 ? (JSON.parse(body) as { error: { code: string } }).error.code : undefined;
    answers.push({ route, status, ...(code === undefined ? {} : { code }) });
  };

  // One keep-alive connection for these (the agent holds one socket, requests go one at a time).
  await tally('query', query('SELECT fixed', flowlens), 200);
  await tally('query', query('SELEC x', flowlens), 400);
  await tally('query', query('SELECT boom', flowlens), 500); // the engine throws a plain Error
  await tally('query', query('SELECT fixed'), 401); // no credentials
  await tally('query', query('SELECT fixed', basic('flowlens', 'wrong')), 401);
  await tally('query', query('SELECT fixed', 'Bearer not-a-token'), 401);
  await tally('query', query('SELECT fixed', 'Digest abc'), 401); // a scheme we do not take
  await tally('exportFlows', get('/api/v1/flows?tenant=acme', { authorization: flowlens }), 403);
  await tally('unmatched', get('/no/such/path'), 404);
  await tally('unmatched', send(port, 'DELETE', '/api/v1/query', { agent: keepAlive }), 405);
  await tally('healthz', get('/healthz'), 200);
  await tally('healthz', get('/healthz/nested'), 404);
  // Through a proxy (X-Forwarded-For), /debug needs an admin; noc is not one.
  const noc = basic('noc', restUsers.users[1]!.password);
  await tally('debug', get('/debug', { authorization: noc, 'x-forwarded-for': '192.0.2.1' }), 403);
  await tally('metrics', get('/metrics'), 200);
  // Two more connections, one request each.
  await tally('status', send(port, 'GET', '/api/v1/status', { agent: false }), 200);
  await tally('status', send(port, 'GET', '/api/v1/status', { agent: false }), 200);

  // A fourth connection whose client goes away while its query runs: no answer, status "aborted".
  const gone = request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/api/v1/query',
    agent: false,
    headers: { authorization: flowlens, 'content-type': 'application/json' },
  });
  gone.on('error', () => {});
  gone.end(JSON.stringify({ sql: 'SELECT slow' }));
  await engine.slowStarted;
  gone.destroy();
  await engine.slowAborted;

  const requests: Record<string, number> = { 'route=query,status=aborted': 1 };
  const errors: Record<string, number> = {};
  const timed: Record<string, number> = { 'route=query': 1 };
  for (const a of answers) {
    const key = `route=${a.route},status=${a.status}`;
    requests[key] = (requests[key] ?? 0) + 1;
    timed[`route=${a.route}`] = (timed[`route=${a.route}`] ?? 0) + 1;
    if (a.code !== undefined) {
      const e = `code=${a.code},route=${a.route}`;
      errors[e] = (errors[e] ?? 0) + 1;
    }
  }
  assert.deepEqual(metricSeries(registry, 'flowlens_http_requests_total'), requests);
  // The timer of each route counts the same requests; routes never asked stay at 0.
  assert.deepEqual(metricSeries(registry, 'flowlens_http_request_seconds'), {
    ...timed,
    'route=ingestFlows': 0,
    'route=openapi': 0,
  });
  assert.deepEqual(metricSeries(registry, 'flowlens_http_errors_total'), errors);
  assert.deepEqual(metricSeries(registry, 'flowlens_http_auth_failures_total'), {
    'reason=missing_credentials': 1,
    'reason=bad_password': 1,
    'reason=bad_token': 1,
    'reason=malformed_credentials': 1,
    'reason=forbidden_tenant': 1,
    'reason=not_admin': 1,
  });

  assert.equal(metricValue(registry, 'flowlens_http_connections_accepted_total'), 4);
  assert.equal(metricValue(registry, 'flowlens_http_requests_active'), 0);
  // The server notices the one-request connections close on its own schedule; the agent's stays.
  await waitFor(
    () => metricValue(registry, 'flowlens_http_connections_open') === 1,
    'three connections to close',
  );
  keepAlive.destroy();
  await waitFor(
    () => metricValue(registry, 'flowlens_http_connections_open') === 0,
    'the keep-alive connection to close',
  );
  assert.deepEqual(metricsWithoutHelp(registry, 'flowlens_http_'), []);
});
