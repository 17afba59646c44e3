import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type AgentView, agentNames, agentRows } from './synth-agents.js';
import { FormError, formToInput, testToForm } from './synth-form.js';
import { phaseBreakdown, testCharts, waterfall } from './synth-series.js';

test('formToInput leaves empty fields to the server’s defaults and types numbers, headers, agents', () => {
  assert.deepEqual(
    formToInput('ping', { target: ' 192.0.2.1 ', count: '3', size: '', label: 'edge', agents: '' }),
    {
      type: 'ping',
      target: '192.0.2.1',
      count: 3,
      label: 'edge',
      agents: 'all',
    },
  );
  assert.deepEqual(
    formToInput('http', {
      url: 'https://x.test/health',
      headers: 'Accept: text/plain\n\nX-Id: a:b',
      insecure: 'true',
      family: '6',
      agents: 'a-1, a-2',
      target: 'ignored: not an http field',
    }),
    {
      type: 'http',
      url: 'https://x.test/health',
      headers: { Accept: 'text/plain', 'X-Id': 'a:b' },
      insecure: true,
      family: 6,
      label: '',
      agents: ['a-1', 'a-2'],
    },
  );
  assert.throws(
    () => formToInput('tcp', { target: 'x', port: '44.3' }),
    (e: unknown) => e instanceof FormError && e.field === 'port',
  );
  assert.throws(() => formToInput('http', { url: 'u', headers: 'no colon' }), /Name: value/);
});

test('testToForm and back gives the same definition (PUT replaces the whole test)', () => {
  const stored = {
    id: 't-1',
    type: 'http',
    target: 'x.test',
    url: 'https://x.test/',
    method: 'GET',
    headers: { Accept: 'text/plain' },
    ca: '-----BEGIN CERTIFICATE-----',
    intervalS: 30,
    timeoutMs: 10000,
    label: '',
    agents: ['a-1'],
    version: 4,
  };
  const { type, values, kept } = testToForm(stored);
  assert.deepEqual(formToInput(type, values, kept), {
    type: 'http',
    ca: '-----BEGIN CERTIFICATE-----',
    url: 'https://x.test/',
    method: 'GET',
    headers: { Accept: 'text/plain' },
    intervalS: 30,
    timeoutMs: 10000,
    label: '',
    agents: ['a-1'],
  });
});

const agent = (over: Partial<AgentView>): AgentView => ({
  id: 'a-1',
  name: 'probe',
  status: 'approved',
  version: 'flowlens 0.1.0',
  addresses: ['192.0.2.7'],
  lastSeenAt: '2026-01-05T10:00:00.000Z',
  tests: 3,
  reportedAt: null,
  report: null,
  ...over,
});

test('agentRows: up while heard from in the last 90 s, pending before approval; report figures', () => {
  const now = Date.UTC(2026, 0, 5, 10, 1, 30);
  const rows = agentRows(
    [
      agent({ id: 'a-3', name: 'z', lastSeenAt: '2026-01-05T09:59:59.000Z' }),
      agent({
        report: {
          tasks: { running: 2 },
          results: { sent: 40, dropped: 1 },
          errors: { last: 'ECONNREFUSED' },
        },
      }),
      agent({ id: 'a-2', name: 'new', status: 'pending', lastSeenAt: null }),
    ],
    now,
  );
  assert.deepEqual(
    rows.map((r) => [r.id, r.state, r.running, r.sent, r.dropped, r.lastError]),
    [
      ['a-2', 'pending', null, null, null, ''],
      ['a-1', 'up', 2, 40, 1, 'ECONNREFUSED'],
      ['a-3', 'down', null, null, null, ''],
    ],
  );
  const name = agentNames([agent({}), agent({ id: 'a-9' }), agent({ id: 'a-4', name: 'solo' })]);
  assert.deepEqual([name('a-1'), name('a-4'), name('a-x')], ['probe (a-1)', 'solo', 'a-x']);
});

test('testCharts pivots per agent; phase waterfall bars follow each other', () => {
  const charts = testCharts(
    {
      fields: ['t', 'agent', 'latency_ms', 'jitter_ms', 'loss_pct', 'availability'].map((name) => ({ name })),
      rows: [
        ['2026-01-05T10:00:00.000Z', 'b', 2, 'NaN', 0, 1],
        ['2026-01-05T10:01:00.000Z', 'a', 4, 0.5, 20, 0.5],
      ],
    },
    (id) => id.toUpperCase(),
  );
  assert.deepEqual(charts.latency.series, [
    { key: 'A', values: [null, 4] },
    { key: 'B', values: [2, null] },
  ]);
  assert.deepEqual(charts.jitter?.series[1]?.values, [null, null]);
  assert.deepEqual(charts.availability.series[0]?.values, [null, 50]);
  const [b] = phaseBreakdown({
    fields: [
      'agent',
      'runs',
      'availability',
      'status',
      'dns_ms',
      'connect_ms',
      'tls_ms',
      'ttfb_ms',
      'transfer_ms',
      'total_ms',
    ].map((name) => ({ name })),
    rows: [['a', 3, 1, 200, 1, 2, 'NaN', 5, 2, 10]],
  });
  assert.deepEqual(
    waterfall(b!.phases, 20).map((x) => [x.label, x.startPct, x.widthPct]),
    [
      ['DNS', 0, 5],
      ['Connect', 5, 10],
      ['TLS', 15, 0],
      ['Time to first byte', 15, 25],
      ['Transfer', 40, 10],
    ],
  );
});
