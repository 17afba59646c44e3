import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SynthType } from './synth-sql.js';
import { type TestView, testName, testStatuses } from './synth-status.js';

const view = (id: string, over: Partial<TestView> = {}): TestView => ({
  id,
  type: 'ping',
  target: '192.0.2.1',
  intervalS: 60,
  timeoutMs: 5000,
  label: '',
  agents: 'all',
  ...over,
});

const statusFields = [
  'test_id',
  'agent',
  'runs',
  'availability',
  'last_time',
  'last_ok',
  'last_fail',
  'latency_ms',
  'loss_pct',
];
const answer = (fields: string[], rows: (string | number | null)[][]) => ({
  fields: fields.map((name) => ({ name })),
  rows,
});
const at = (minute: number) => new Date(Date.UTC(2026, 0, 5, 10, minute)).toISOString();

test('testStatuses: latest run per agent decides; figures over agents weighted by runs', () => {
  const tests = [
    view('t-ok'),
    view('t-mixed'),
    view('t-down'),
    view('t-none'),
    view('t-old', { intervalS: 10 }),
  ];
  const status = new Map<SynthType, ReturnType<typeof answer>>([
    [
      'ping',
      answer(statusFields, [
        ['t-ok', 'a-1', 10, 1, at(9), at(9), null, 2, 0],
        ['t-ok', 'a-2', 30, 0.9, at(9), at(9), at(5), 6, 10],
        ['t-mixed', 'a-1', 10, 0.5, at(9), at(4), at(9), 3, 50],
        ['t-mixed', 'a-2', 10, 1, at(9), at(9), null, 5, 0],
        ['t-down', 'a-1', 4, 0, at(9), null, at(9), null, 100],
        // Last ran 10:05, six minutes before the end at 10:11: over three 10 s intervals ago.
        ['t-old', 'a-1', 5, 1, at(5), at(5), null, 1, 0],
      ]),
    ],
  ]);
  const errors = new Map<SynthType, ReturnType<typeof answer>>([
    [
      'ping',
      answer(
        ['test_id', 'agent', 'time', 'error'],
        [
          ['t-down', 'a-1', at(9), 'unreachable'],
          ['t-down', 'a-1', at(8), 'timeout'],
          ['t-mixed', 'a-1', at(9), 'timeout'],
        ],
      ),
    ],
  ]);
  const rows = testStatuses(tests, status, errors, Date.UTC(2026, 0, 5, 10, 11));
  assert.deepEqual(
    rows.map((r) => [r.test.id, r.status]),
    [
      ['t-ok', 'ok'],
      ['t-mixed', 'degraded'],
      ['t-down', 'failing'],
      ['t-none', 'no data'],
      ['t-old', 'stale'],
    ],
  );
  const ok = rows[0]!;
  assert.equal(ok.runs, 40);
  // (10 × 1 + 30 × 0.9) / 40 and (10 × 2 + 30 × 6) / 40.
  assert.equal(ok.availability, 37 / 40);
  assert.equal(ok.latencyMs, 200 / 40);
  assert.equal(ok.lossPct, 300 / 40);
  assert.equal(ok.lastMs, Date.UTC(2026, 0, 5, 10, 9));
  const down = rows[2]!;
  assert.equal(down.latencyMs, null);
  assert.equal(down.agents[0]!.lastError, 'unreachable', 'the newest error');
  assert.deepEqual(
    rows[1]!.agents.map((a) => [a.agent, a.failing, a.lastError]),
    [
      ['a-1', true, 'timeout'],
      ['a-2', false, ''],
    ],
  );
  assert.equal(rows[3]!.availability, null);
});

test('testName: the label, else type and target (an HTTP test its URL)', () => {
  assert.equal(testName(view('t', { label: 'edge' })), 'edge');
  assert.equal(testName(view('t')), 'ping 192.0.2.1');
  assert.equal(testName(view('t', { type: 'http', url: 'https://x.test/' })), 'http https://x.test/');
});
