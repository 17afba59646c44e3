import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lineLogger } from '../src/log/logger.js';
import { defaultSynthAgentConfig, SynthAgent } from '../src/synth/agent/synth-agent.js';
import type { TcpResult, TestSpec } from '../src/synth/contract.js';
import { tempDir, waitFor } from './helpers/peers.js';
import { basicAuth, call, startSynthServer } from './helpers/synth-server.js';

/**
 * The agent against the server's API in this process, with a fake probe: it registers, waits for
 * an admin's approval, gets its tasks (and their changes), sends results that land in SQL, and
 * registers again when an admin removes it.
 */

const TOKEN = 'not-pre-shared-token-77';

/** The fake probe's answer: the test connected in 1 ms. */
function tcpSuccess(spec: TestSpec): TcpResult {
  return {
    testId: spec.id,
    type: 'tcp',
    target: spec.target,
    address: '127.0.0.1',
    time: Date.now(),
    ok: true,
    error: '',
    latencyMs: 1,
  };
}

test('the agent waits for approval, runs its tasks, follows their changes, and registers again', async (t) => {
  const s = await startSynthServer(t, tempDir(t, 'flowlens-synth-agent-'));
  const ran: TestSpec[] = [];
  const logs: string[] = [];
  const agent = new SynthAgent(
    {
      ...defaultSynthAgentConfig,
      server: s.url,
      token: TOKEN,
      name: 'probe-1',
      exportIntervalMs: 100,
      pollIntervalMs: 100,
      statusIntervalMs: 100,
      registerRetryMs: 100,
      stopFlushMs: 200,
    },
    {
      run: async (spec) => {
        ran.push(spec);
        return tcpSuccess(spec);
      },
      log: lineLogger((line) => logs.push(line)),
      version: 'test',
    },
  );
  t.after(() => agent.stop());
  const test1 = (
    await call(s.url, 'POST', '/api/v1/synth/tests', {
      auth: basicAuth('noc'),
      body: { type: 'tcp', target: 'h1', port: 1, intervalS: 1, timeoutMs: 500 },
    })
  ).body.test.id;
  agent.start();
  await waitFor(() => agent.stats.state === 'pending', 'the agent to register and wait');
  assert.equal(ran.length, 0, 'nothing runs before approval');
  const id = agent.stats.agentId!;
  assert.equal(
    (await call(s.url, 'POST', `/api/v1/synth/agents/${id}/approve`, { auth: basicAuth('flowlens') })).status,
    200,
  );
  await waitFor(() => agent.scheduler.size === 1, 'the agent to get its task');

  const count = async (testId: string) =>
    Number(
      (
        await s.engine.run(
          { user: 'u', tenant: 'acme', settings: new Map() },
          `SELECT count(*) FROM synth_tcp WHERE test_id = '${testId}'`,
        )
      ).rows[0]![0],
    );
  await waitFor(
    () => agent.results !== undefined && agent.results.stats().sentRows >= 2,
    'results sent',
    10_000,
  );
  assert.ok((await count(test1)) >= 2, 'results in SQL');

  // A change of the test list reaches the agent: a second test, the first one deleted.
  const test2 = (
    await call(s.url, 'POST', '/api/v1/synth/tests', {
      auth: basicAuth('noc'),
      body: { type: 'tcp', target: 'h2', port: 2, intervalS: 1, timeoutMs: 500 },
    })
  ).body.test.id;
  await call(s.url, 'DELETE', `/api/v1/synth/tests/${test1}`, { auth: basicAuth('noc') });
  await waitFor(() => agent.scheduler.size === 1 && ran.at(-1)?.id === test2, 'the changed task list');
  const report = (await call(s.url, 'GET', '/api/v1/synth/agents', { auth: basicAuth('noc') })).body.agents[0]
    .report;
  assert.equal(report.name, 'probe-1');

  // Removed by an admin: its requests fail with 401 and it registers again, pending.
  await call(s.url, 'DELETE', `/api/v1/synth/agents/${id}`, { auth: basicAuth('flowlens') });
  await waitFor(() => agent.stats.state === 'pending', 'the agent to register again');
  assert.equal(agent.stats.agentId, id, 'same token and name, same id');
  await agent.stop();
});

test('with a spool, an agent restarted while its server is down runs the task list it last had', async (t) => {
  const s = await startSynthServer(t, tempDir(t, 'flowlens-synth-agent-'));
  const spool = tempDir(t, 'flowlens-synth-spool-');
  const ran: string[] = [];
  const agentWith = () =>
    new SynthAgent(
      {
        ...defaultSynthAgentConfig,
        server: s.url,
        token: TOKEN,
        name: 'probe-cache',
        spoolDir: spool,
        exportIntervalMs: 100,
        pollIntervalMs: 100,
        statusIntervalMs: 100,
        registerRetryMs: 100,
        requestTimeoutMs: 1000,
        stopFlushMs: 100,
      },
      {
        run: async (spec) => {
          ran.push(spec.id);
          return tcpSuccess(spec);
        },
        log: lineLogger(() => {}),
        version: 'test',
      },
    );
  const testId = (
    await call(s.url, 'POST', '/api/v1/synth/tests', {
      auth: basicAuth('noc'),
      body: { type: 'tcp', target: 'h9', port: 9, intervalS: 1, timeoutMs: 500 },
    })
  ).body.test.id;
  const first = agentWith();
  t.after(() => first.stop());
  first.start();
  await waitFor(() => first.stats.state === 'pending', 'the agent to register');
  await call(s.url, 'POST', `/api/v1/synth/agents/${first.stats.agentId}/approve`, {
    auth: basicAuth('flowlens'),
  });
  await waitFor(() => first.scheduler.size === 1, 'the agent to get its task');
  await first.stop();

  // The server goes away; a new agent on the same spool never reaches it, yet runs the test.
  await s.stop();
  ran.length = 0;
  const second = agentWith();
  t.after(() => second.stop());
  second.start();
  assert.deepEqual(
    second.scheduler.specs().map((x) => x.id),
    [testId],
  );
  await waitFor(() => ran.includes(testId), 'the cached test to run');
  assert.notEqual(second.stats.state, 'running', 'never registered: the server is down');
  assert.ok(second.pendingResults >= 1, 'its results wait to be sent');
  await second.stop();
});
