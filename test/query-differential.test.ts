import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createQueryEngine } from '../src/query/engine.js';
import type { EmbeddedStore } from '../src/store/store.js';
import { type DiffDuck, openDiffDuck } from './helpers/diff-duckdb.js';
import { diffDevices, diffFlows } from './helpers/diff-flows.js';
import { randomQuery } from './helpers/diff-gen-query.js';
import { Rng } from './helpers/diff-node.js';
import { DiffTally } from './helpers/diff-run.js';
import { dataFacts, intBounds } from './helpers/diff-setup.js';
import { testStore } from './helpers/store-setup.js';

/**
 * Differential test: the same generated flows in flowlens's store and in DuckDB, a few hundred
 * random queries of the supported grammar, identical results required (approximate aggregates
 * within their error bounds). Query i is generated from seed + i alone:
 *   FLOWLENS_DIFF_SEED=<seed> FLOWLENS_DIFF_ONLY=<i> node --test dist/test/query-differential.test.js
 * reproduces one query (its SQL is printed on failure).
 */

const SEED = Number(process.env.FLOWLENS_DIFF_SEED ?? 20261120);
const QUERIES = Number(process.env.FLOWLENS_DIFF_QUERIES ?? 300);
const ONLY =
  process.env.FLOWLENS_DIFF_ONLY === undefined ? undefined : Number(process.env.FLOWLENS_DIFF_ONLY);
const ROWS = 12_000;

describe('differential testing against DuckDB', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-diff-'));
  const store: EmbeddedStore = testStore(dir);
  const engine = createQueryEngine({ backend: store });
  const batches = diffFlows(SEED, ROWS, 3);
  let duck: DiffDuck;

  before(async () => {
    await store.start();
    // Parts 1 and 2 are sealed; part 3 stays in open minutes (same minutes, so both kinds mix).
    for (let i = 0; i < batches.length; i++) {
      await store.append('acme', batches[i]!);
      if (i < batches.length - 1) await store.sealNow({ all: true });
    }
    duck = await openDiffDuck(
      batches,
      diffDevices.map((d) => d.id),
    );
  });
  after(async () => {
    duck?.close();
    await store.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`answers ${QUERIES} random queries as DuckDB does (seed ${SEED})`, async () => {
    const facts = dataFacts(batches);
    const bounds = intBounds(batches);
    const tally = new DiffTally();
    for (let i = 0; i < QUERIES; i++) {
      if (ONLY !== undefined && i !== ONLY) continue;
      await tally.run(i, randomQuery(new Rng(SEED * 7919 + i), facts, bounds, ROWS), engine, duck);
    }
    const report = tally.report(SEED);
    console.log(report);
    if (process.env.FLOWLENS_DIFF_LOG !== undefined)
      writeFileSync(process.env.FLOWLENS_DIFF_LOG, tally.log());
    assert.deepEqual(tally.failures.slice(0, 15), [], `${report}\n${tally.failures.length} failures`);
    assert.deepEqual([...tally.types.keys()], [], 'result types follow PostgreSQL');
    assert.deepEqual(tally.names, [], 'column names follow PostgreSQL');
  });
});
