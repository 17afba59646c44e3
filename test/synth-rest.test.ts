import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { openApiDocument } from '../src/server/http/openapi.js';
import type { TcpResult } from '../src/synth/contract.js';
import { tempDir } from './helpers/peers.js';
import { basicAuth, call, preSharedToken, startSynthServer } from './helpers/synth-server.js';

/**
 * The synthetic-monitoring REST API in-process over a temporary data directory: tests CRUD with
 * defaults and validation, tenant isolation, agent registration (pre-shared and approved),
 * task-list versioning, results into SQL with retries stored once, and the OpenAPI description.
 */

const admin = basicAuth('flowlens');
const acme = basicAuth('noc');
const globex = basicAuth('ops');
const bearer = (token: string) => `Bearer ${token}`;

describe('synthetic tests API', () => {
  it('creates, lists, reads, replaces and deletes tests, with defaults filled in', async (t) => {
    const data = tempDir(t, 'flowlens-synth-rest-');
    const s = await startSynthServer(t, data);
    const created = await call(s.url, 'POST', '/api/v1/synth/tests', {
      auth: acme,
      body: { type: 'ping', target: '192.0.2.1', label: 'edge' },
    });
    assert.equal(created.status, 201);
    const test = created.body.test;
    assert.match(test.id, /^t-[0-9a-f]{12}$/);
    // The documented defaults (route-docs.ts): every 60 s, 5 pings 200 ms apart of 56 bytes, 5 s deadline, all agents.
    assert.deepEqual(
      [
        test.type,
        test.target,
        test.intervalS,
        test.count,
        test.packetIntervalMs,
        test.size,
        test.timeoutMs,
        test.agents,
        test.label,
      ],
      ['ping', '192.0.2.1', 60, 5, 200, 56, 5000, 'all', 'edge'],
    );
    const tcp = await call(s.url, 'POST', '/api/v1/synth/tests', {
      auth: acme,
      body: { type: 'tcp', target: 'db.example.net', port: 5432, intervalS: 10 },
    });
    assert.equal(tcp.status, 201);
    assert.equal(tcp.body.test.timeoutMs, 5000);
    const list = await call(s.url, 'GET', '/api/v1/synth/tests', { auth: acme });
    assert.deepEqual(
      list.body.tests.map((x: { id: string }) => x.id).sort(),
      [test.id, tcp.body.test.id].sort(),
    );

    const replaced = await call(s.url, 'PUT', `/api/v1/synth/tests/${test.id}`, {
      auth: acme,
      body: { type: 'ping', target: '192.0.2.2', count: 10, intervalS: 30 },
    });
    assert.equal(replaced.status, 200);
    assert.deepEqual(
      [replaced.body.test.id, replaced.body.test.target, replaced.body.test.count],
      [test.id, '192.0.2.2', 10],
    );
    assert.ok(replaced.body.test.version > test.version);
    const read = await call(s.url, 'GET', `/api/v1/synth/tests/${test.id}`, { auth: acme });
    assert.equal(read.body.test.target, '192.0.2.2');

    assert.equal((await call(s.url, 'DELETE', `/api/v1/synth/tests/${test.id}`, { auth: acme })).status, 200);
    assert.equal((await call(s.url, 'GET', `/api/v1/synth/tests/${test.id}`, { auth: acme })).status, 404);
    assert.equal((await call(s.url, 'DELETE', `/api/v1/synth/tests/${test.id}`, { auth: acme })).status, 404);

    // Kept across a restart (DATA/synth/tests.json).
    await s.stop();
    const again = await startSynthServer(t, data);
    const after = await call(again.url, 'GET', '/api/v1/synth/tests', { auth: acme });
    assert.deepEqual(
      after.body.tests.map((x: { id: string }) => x.id),
      [tcp.body.test.id],
    );
  });

  it('refuses bad definitions with the field named', async (t) => {
    const s = await startSynthServer(t, tempDir(t, 'flowlens-synth-rest-'));
    const cases: [unknown, RegExp][] = [
      [{ type: 'icmp', target: 'x' }, /^type: expected one of ping, trace, http, dns, tcp/],
      [{ type: 'ping' }, /^target: /],
      [{ type: 'ping', target: 'a b' }, /^target: /],
      [{ type: 'tcp', target: 'h' }, /^port: /],
      [{ type: 'tcp', target: 'h', port: 70000 }, /^port: expected an integer 1-65535/],
      [
        { type: 'ping', target: 'h', intervalS: 5, timeoutMs: 6000 },
        /^timeoutMs: 6000 is longer than the interval/,
      ],
      [{ type: 'http', url: 'ftp://x/' }, /^url: /],
      [{ type: 'http', url: 'https://x/', bodyMatch: '(' }, /^bodyMatch: not a regular expression/],
      [{ type: 'dns', target: '192.0.2.53' }, /^name: /],
      [{ type: 'ping', target: 'h', agents: [] }, /^agents: /],
      [{ type: 'ping', target: 'h', colour: 'red' }, /^unknown field "colour"/],
    ];
    for (const [body, message] of cases) {
      const r = await call(s.url, 'POST', '/api/v1/synth/tests', { auth: acme, body });
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 'bad_test');
      assert.match(r.body.error.message, message);
    }
    const notJson = await call(s.url, 'POST', '/api/v1/synth/tests', { auth: acme, raw: Buffer.from('{') });
    assert.deepEqual([notJson.status, notJson.body.error.code], [400, 'bad_request']);
    assert.equal((await call(s.url, 'GET', '/api/v1/synth/tests')).status, 401);
  });

  it("keeps tenants apart: another tenant's test does not exist for them", async (t) => {
    const s = await startSynthServer(t, tempDir(t, 'flowlens-synth-rest-'));
    const mine = (
      await call(s.url, 'POST', '/api/v1/synth/tests', {
        auth: acme,
        body: { type: 'tcp', target: 'h', port: 1 },
      })
    ).body.test;
    for (const [method, body] of [
      ['GET'],
      ['PUT', { type: 'tcp', target: 'x', port: 2 }],
      ['DELETE'],
    ] as const) {
      const r = await call(s.url, method, `/api/v1/synth/tests/${mine.id}`, { auth: globex, body });
      assert.deepEqual([r.status, r.body.error.code], [404, 'unknown_test'], method);
    }
    assert.deepEqual((await call(s.url, 'GET', '/api/v1/synth/tests', { auth: globex })).body.tests, []);
    assert.equal(
      (await call(s.url, 'GET', `/api/v1/synth/tests/${mine.id}`, { auth: acme })).body.test.target,
      'h',
    );
  });
});

async function register(url: string, token: string, name: string) {
  return call(url, 'POST', '/api/v1/synth/agents/register', {
    auth: bearer(token),
    body: { name, version: 'test' },
  });
}

describe('synthetic agents API', () => {
  it('approves pre-shared tokens at once; others wait for an admin', async (t) => {
    const s = await startSynthServer(t, tempDir(t, 'flowlens-synth-rest-'));
    const a = await register(s.url, preSharedToken, 'agent-a');
    assert.equal(a.status, 200);
    assert.equal(a.body.agent.status, 'approved');
    assert.deepEqual(
      (await register(s.url, preSharedToken, 'agent-a')).body.agent.id,
      a.body.agent.id,
      'same token and name, same id',
    );

    const ownToken = 'my-own-agent-token-42';
    const b = await register(s.url, ownToken, 'agent-b');
    assert.deepEqual([b.status, b.body.agent.status], [202, 'pending']);
    const id = b.body.agent.id;
    const poll = () =>
      call(s.url, 'GET', `/api/v1/synth/tasks?agent=${id}&version=0`, { auth: bearer(ownToken) });
    assert.deepEqual([(await poll()).status, (await poll()).body.error.code], [403, 'agent_pending']);
    // Only admins approve.
    const refused = await call(s.url, 'POST', `/api/v1/synth/agents/${id}/approve`, { auth: acme });
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'admin_required']);
    const approved = await call(s.url, 'POST', `/api/v1/synth/agents/${id}/approve`, { auth: admin });
    assert.deepEqual(
      [approved.status, approved.body.agent.status, approved.body.agent.approvedBy],
      [200, 'approved', 'flowlens'],
    );
    assert.equal((await poll()).status, 304, 'approved; no tests yet, so version 0 is current');
    assert.equal(
      (await register(s.url, ownToken, 'agent-b')).status,
      200,
      'registering again keeps the approval',
    );
    // The token of one agent does not work for another, nor an unknown id.
    const wrong = await call(s.url, 'GET', `/api/v1/synth/tasks?agent=${id}`, {
      auth: bearer(preSharedToken),
    });
    assert.deepEqual([wrong.status, wrong.body.error.code], [401, 'unknown_agent']);
    const unknown = await call(s.url, 'GET', '/api/v1/synth/tasks?agent=a-000000000000', {
      auth: bearer(ownToken),
    });
    assert.equal(unknown.status, 401);
    assert.equal(
      (await call(s.url, 'POST', '/api/v1/synth/agents/a-nope/approve', { auth: admin })).status,
      404,
    );
    assert.equal((await register(s.url, 'short', 'x')).status, 400);

    // Status reports show in the list.
    const report = { version: 'test', tasks: { total: 0 } };
    assert.equal(
      (
        await call(s.url, 'POST', `/api/v1/synth/status?agent=${id}`, {
          auth: bearer(ownToken),
          body: report,
        })
      ).status,
      200,
    );
    const agents = (await call(s.url, 'GET', '/api/v1/synth/agents', { auth: globex })).body.agents;
    const b2 = agents.find((x: { id: string }) => x.id === id);
    assert.deepEqual([agents.length, b2.status, b2.report], [2, 'approved', report]);
    assert.ok(!JSON.stringify(agents).includes('tokenDigest'), 'no token digests in the answer');

    // Removed by an admin: its token stops working.
    assert.equal((await call(s.url, 'DELETE', `/api/v1/synth/agents/${id}`, { auth: acme })).status, 403);
    assert.equal((await call(s.url, 'DELETE', `/api/v1/synth/agents/${id}`, { auth: admin })).status, 200);
    assert.equal((await poll()).status, 401);
  });

  it('answers task polls with what changed since the version the agent has', async (t) => {
    const s = await startSynthServer(t, tempDir(t, 'flowlens-synth-rest-'));
    const a = (await register(s.url, preSharedToken, 'a')).body.agent.id;
    const b = (await register(s.url, preSharedToken, 'b')).body.agent.id;
    const create = async (body: object) =>
      (
        await call(s.url, 'POST', '/api/v1/synth/tests', {
          auth: acme,
          body: { type: 'tcp', target: 'h', port: 1, ...body },
        })
      ).body.test.id;
    const t1 = await create({ agents: 'all' });
    const t2 = await create({ agents: [a] });
    const t3 = await create({ agents: [b] });
    // Another tenant's test for all agents: agents run every tenant's tests.
    const t4 = (
      await call(s.url, 'POST', '/api/v1/synth/tests', {
        auth: globex,
        body: { type: 'tcp', target: 'g', port: 2 },
      })
    ).body.test.id;
    const poll = (agent: string, version: number) =>
      call(s.url, 'GET', `/api/v1/synth/tasks?agent=${agent}&version=${version}`, {
        auth: bearer(preSharedToken),
      });
    const ids = (body: { tasks: { id: string }[] }) => body.tasks.map((x) => x.id).sort();

    const fullA = await poll(a, 0);
    assert.equal(fullA.status, 200);
    assert.equal(fullA.body.full, true);
    assert.deepEqual(ids(fullA.body), [t1, t2, t4].sort());
    assert.deepEqual(ids((await poll(b, 0)).body), [t1, t3, t4].sort());
    const v1 = fullA.body.version;
    assert.equal(v1, 4, 'four changes so far');
    assert.equal((await poll(a, v1)).status, 304);

    // t2 moves from a to b; t1 is deleted.
    await call(s.url, 'PUT', `/api/v1/synth/tests/${t2}`, {
      auth: acme,
      body: { type: 'tcp', target: 'h', port: 9, agents: [b] },
    });
    await call(s.url, 'DELETE', `/api/v1/synth/tests/${t1}`, { auth: acme });
    const changedA = (await poll(a, v1)).body;
    assert.deepEqual(
      [changedA.full, changedA.version, ids(changedA), changedA.removed.sort()],
      [false, 6, [], [t1, t2].sort()],
    );
    const changedB = (await poll(b, v1)).body;
    assert.deepEqual([ids(changedB), changedB.removed], [[t2], [t1]]);
    assert.equal(changedB.tasks[0].port, 9, 'the new definition');
    // A version the server never gave (its data was reset) gets the whole list.
    const ahead = (await poll(a, 99)).body;
    assert.deepEqual([ahead.full, ids(ahead)], [true, [t4]]);
    assert.equal(
      (await call(s.url, 'GET', `/api/v1/synth/tasks?agent=${a}&version=x`, { auth: bearer(preSharedToken) }))
        .status,
      400,
    );
  });
});

function tcpResult(testId: string, time: number, latencyMs: number): TcpResult {
  return { testId, type: 'tcp', target: 'h', address: '127.0.0.1', time, ok: true, error: '', latencyMs };
}

function batch(session: string, seq: number, lines: readonly unknown[]): Uint8Array {
  const text = [
    JSON.stringify({ batch: { session, seq, results: lines.length } }),
    ...lines.map((l) => JSON.stringify(l)),
  ].join('\n');
  return gzipSync(`${text}\n`);
}

describe('synthetic results API', () => {
  it("stores results in the tenant's SQL table once, however often a batch is sent", async (t) => {
    const s = await startSynthServer(t, tempDir(t, 'flowlens-synth-rest-'));
    const agent = (await register(s.url, preSharedToken, 'a')).body.agent.id;
    const mk = async (auth: string) =>
      (
        await call(s.url, 'POST', '/api/v1/synth/tests', {
          auth,
          body: { type: 'tcp', target: 'h', port: 1 },
        })
      ).body.test.id;
    const acmeTest = await mk(acme);
    const globexTest = await mk(globex);
    const T = Date.UTC(2026, 0, 5, 10, 0, 0);
    const results = [
      tcpResult(acmeTest, T, 1.5),
      tcpResult(acmeTest, T + 60_000, 2.5),
      tcpResult(globexTest, T, 7),
      { ...tcpResult('t-deleted00000', T, 1) },
      { ...tcpResult(acmeTest, T + 120_000, 0), latencyMs: 'fast' },
    ];
    const post = (seq: number) =>
      call(s.url, 'POST', `/api/v1/synth/results?agent=${agent}`, {
        auth: bearer(preSharedToken),
        raw: batch('00112233445566aa', seq, results),
        headers: { 'content-encoding': 'gzip', 'content-type': 'application/x-ndjson' },
      });
    const first = await post(1);
    assert.equal(first.status, 200);
    assert.deepEqual(
      [first.body.stored, first.body.duplicate, first.body.unknownTests, first.body.rejected],
      [3, false, 1, 1],
    );
    assert.match(first.body.problem, /^line 6: latencyMs: expected a number or null/);
    const again = await post(1);
    assert.deepEqual([again.body.stored, again.body.duplicate], [0, true]);

    const session = (tenant: string) => ({ user: 'u', tenant, settings: new Map<string, string>() });
    const sql = `SELECT test_id, agent, time, latency_ms, ok, port FROM synth_tcp WHERE time >= '2026-01-05 00:00:00+00' ORDER BY time`;
    const acmeRows = (await s.engine.run(session('acme'), sql)).rows;
    assert.deepEqual(acmeRows, [
      [acmeTest, agent, T, 1.5, 1, 1],
      [acmeTest, agent, T + 60_000, 2.5, 1, 1],
    ]);
    const globexRows = (await s.engine.run(session('globex'), sql)).rows;
    assert.deepEqual(globexRows, [[globexTest, agent, T, 7, 1, 1]]);
    const avg = await s.engine.run(
      session('acme'),
      `SELECT time_bucket('1 minute', time) AS m, avg(latency_ms) FROM synth_tcp WHERE test_id = '${acmeTest}' AND time > '2026-01-05 09:00:00+00' GROUP BY 1 ORDER BY 1`,
    );
    assert.deepEqual(avg.rows, [
      [T, 1.5],
      [T + 60_000, 2.5],
    ]);
    // The REST query endpoint sees the tables too.
    const rest = await call(s.url, 'POST', '/api/v1/query', {
      auth: globex,
      body: { sql: 'SELECT count(*) FROM synth_tcp' },
    });
    assert.equal(rest.status, 200, JSON.stringify(rest.body));
    assert.deepEqual(rest.body.rows, [[1]]);

    const badHeader = await call(s.url, 'POST', `/api/v1/synth/results?agent=${agent}`, {
      auth: bearer(preSharedToken),
      raw: gzipSync('{"batch":{"session":"zz","seq":1,"results":0}}\n'),
      headers: { 'content-encoding': 'gzip' },
    });
    assert.deepEqual([badHeader.status, badHeader.body.error.code], [400, 'bad_batch']);
  });
});

describe('the synth routes in the OpenAPI document', () => {
  it('documents every synth route, with its path parameters and the agent scheme', async (t) => {
    const s = await startSynthServer(t, tempDir(t, 'flowlens-synth-rest-'));
    const doc = openApiDocument(s.routes, 'test') as {
      paths: Record<
        string,
        Record<string, { security: object[]; parameters?: { name: string; in: string }[]; responses: object }>
      >;
    };
    const synth = s.routes.filter((r) => r.path.startsWith('/api/v1/synth'));
    assert.equal(synth.length, 12);
    for (const r of synth) {
      const op = doc.paths[r.path]?.[r.method.toLowerCase()];
      assert.ok(op, `${r.method} ${r.path} documented`);
      const schemes = op.security.map((x) => Object.keys(x)[0]);
      assert.deepEqual(
        schemes,
        r.auth === 'agent' ? ['synthAgent'] : ['basic', 'bearer'],
        `${r.method} ${r.path}`,
      );
      assert.ok('401' in op.responses);
      for (const name of r.path.match(/\{(\w+)\}/g) ?? [])
        assert.ok(
          op.parameters?.some((p) => p.in === 'path' && `{${p.name}}` === name),
          `${r.path} documents ${name}`,
        );
    }
  });
});
