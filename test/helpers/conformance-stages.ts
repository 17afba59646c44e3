import type { FlowBatch } from '../../src/flow/batch.js';
import type { StorageBackend } from '../../src/store/backend.js';
import type { ConformanceHooks } from './backend-conformance.js';

export type Stage = 'open' | 'sealed' | 'late parts' | 'compacted' | 'reopened';

/**
 * Takes a fresh backend through a store's life and calls `check` at each stage: `first` appended
 * (open), sealed, `late` appended and sealed (a job of several parts), compacted, and reopened
 * from its directory. `appended` sees every batch as it goes in.
 */
export async function checkThroughStages(
  fresh: () => Promise<{ backend: StorageBackend; dir: string }>,
  makeBackend: (dir: string) => Promise<StorageBackend>,
  hooks: ConformanceHooks,
  first: FlowBatch,
  late: readonly FlowBatch[],
  check: (backend: StorageBackend, stage: Stage) => Promise<void>,
  appended: (batch: FlowBatch) => void = () => undefined,
): Promise<void> {
  const started = await fresh();
  let { backend } = started;
  const append = async (batch: FlowBatch) => {
    appended(batch);
    await backend.append('acme', batch);
  };
  await append(first);
  await check(backend, 'open');
  await hooks.seal?.(backend);
  await check(backend, 'sealed');
  for (const batch of late) await append(batch);
  await hooks.seal?.(backend);
  await check(backend, 'late parts');
  await hooks.maintain?.(backend, Date.now());
  await check(backend, 'compacted');
  await backend.stop();
  backend = await makeBackend(started.dir);
  await backend.start();
  await check(backend, 'reopened');
  await backend.stop();
}
