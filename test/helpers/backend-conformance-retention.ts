import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { StorageBackend } from '../../src/store/backend.js';
import type { ConformanceHooks } from './backend-conformance.js';
import { generateFlows } from './store-flows.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 86_400_000;

/** The retention part of the conformance suite (see backend-conformance.ts). */
export function describeRetention(
  fresh: () => Promise<{ backend: StorageBackend; dir: string }>,
  hooks: ConformanceHooks,
): void {
  describe('retention', () => {
    it('deletes whole buckets older than the tenant retention, and nothing newer', async () => {
      const { backend } = await fresh();
      const days = hooks.retentionDays ?? 30;
      const now = Date.now();
      const old = Math.floor((now - (days + 2) * DAY) / HOUR) * HOUR;
      const recent = Math.floor((now - 3 * HOUR) / HOUR) * HOUR;
      await backend.append(
        'acme',
        generateFlows({ seed: 1, rows: 200, minutes: [old, old + MINUTE], devices: [1, 2] }),
      );
      const keep = generateFlows({ seed: 2, rows: 100, minutes: [recent], devices: [1] });
      await backend.append('acme', keep);
      await hooks.seal?.(backend);
      const removed = await backend.applyRetention(now);
      assert.ok(removed >= 2, `removed ${removed} buckets`);
      const gone = await backend.jobs({ tenant: 'acme', from: old - DAY, to: old + DAY });
      assert.deepEqual(gone, []);
      const kept = await backend.jobs({ tenant: 'acme', from: recent, to: recent + HOUR });
      assert.equal(
        kept.reduce((n, j) => n + j.rows, 0),
        100,
      );
      assert.equal(await backend.applyRetention(now), 0);
      await backend.stop();
    });
  });
}
