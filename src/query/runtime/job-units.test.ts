import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScanJob, ScanRequest } from '../../store/backend.js';
import { batches, stableGroups } from './job-units.js';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 5, 0, 0);

function job(device: number, minute: number, sealed = true): ScanJob {
  return {
    tenant: 't',
    resolution: 'minute',
    bucket: T0 + minute * MINUTE,
    deviceId: device,
    rows: 100,
    sealed,
    dataId: sealed ? `d${device}m${minute}` : undefined,
    location: sealed ? { kind: 'sealed', parts: [] } : { kind: 'open' },
  };
}

/** A backend holding minutes [0, stored) of devices 1 and 2: `jobs` lists a span's as the store would. */
function backend(stored: number) {
  const all = [1, 2].flatMap((d) => Array.from({ length: stored }, (_, m) => job(d, m)));
  return {
    requests: 0,
    async jobs(r: ScanRequest): Promise<ScanJob[]> {
      this.requests++;
      return all.filter((j) => r.devices!.includes(j.deviceId) && j.bucket >= r.from && j.bucket < r.to);
    },
  };
}

const minutes = (device: number, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => job(device, from + i));
const spansOf = (groups: ScanJob[][]) =>
  groups.map((g) => `${g[0]!.deviceId}:${(g[0]!.bucket - T0) / MINUTE}+${g.length}`).sort();

test('whole ten-minute spans of a device become groups; a span the query covers in part does not', async () => {
  const store = backend(60);
  // The query covers minutes 5..44 of both devices: spans 10-19, 20-29, 30-39 whole, 0-9 and 40-49 in part.
  const jobs = [...minutes(1, 5, 45), ...minutes(2, 5, 45)];
  const { groups, rest } = await stableGroups(jobs, store, 2);
  assert.deepEqual(spansOf(groups), ['1:10+10', '1:20+10', '1:30+10', '2:10+10', '2:20+10', '2:30+10']);
  assert.equal(rest.length, 2 * (5 + 5));
  assert.equal(store.requests, 4, 'only the edge spans are checked with the backend');
});

test('an edge span the query covers whole is a group (the backend lists exactly its jobs)', async () => {
  const store = backend(30);
  const jobs = [...minutes(1, 0, 30), ...minutes(2, 0, 30)];
  const { groups, rest } = await stableGroups(jobs, store, 2);
  assert.equal(groups.length, 6);
  assert.equal(rest.length, 0);
});

test('too few groups to keep every worker busy, open minutes: jobs stay single', async () => {
  const store = backend(60);
  const few = await stableGroups(minutes(1, 0, 20), store, 2);
  assert.equal(few.groups.length, 0, 'two groups for two workers is too few');
  assert.equal(few.rest.length, 20);
  const open = [...minutes(1, 0, 40), job(1, 40, false), ...minutes(2, 0, 40)];
  const withOpen = await stableGroups(open, store, 2);
  assert.ok(
    withOpen.rest.some((j) => !j.sealed),
    'the open minute is not grouped',
  );
  assert.equal(withOpen.groups.flat().length + withOpen.rest.length, open.length);
});

test('batches: worker-readable jobs a few per task, enough tasks for every worker', () => {
  const jobs = [...minutes(1, 0, 40), job(1, 40, false)];
  const { groups, rest } = batches(jobs, 2);
  assert.ok(groups.length >= 8, `${groups.length} batches`);
  assert.deepEqual(
    groups.flat().map((j) => j.bucket),
    minutes(1, 0, 40).map((j) => j.bucket),
  );
  assert.deepEqual(rest, [jobs[40]]);
  assert.deepEqual(batches(minutes(1, 0, 5), 2).groups, [], 'too few jobs to batch');
});
