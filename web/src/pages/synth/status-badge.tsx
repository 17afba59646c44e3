import type { TestStatus } from '../../../../src/portal/synth-status.js';
import { Badge } from '../shared/Badge.js';

const tones: Readonly<Record<TestStatus, 'good' | 'bad' | 'warn' | 'idle'>> = {
  ok: 'good',
  degraded: 'warn',
  failing: 'bad',
  stale: 'warn',
  'no data': 'idle',
};

const why: Readonly<Record<TestStatus, string>> = {
  ok: 'the latest run succeeded on every agent',
  degraded: 'the latest run failed on some agents',
  failing: 'the latest run failed on every agent',
  stale: 'no agent ran it in the last three intervals',
  'no data': 'no results in this time range: is an agent running it?',
};

export function StatusBadge(props: { status: TestStatus }) {
  return <Badge status={props.status} tone={tones[props.status]} title={why[props.status]} />;
}
