import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ColumnDef } from '../../flow/schema.js';
import { failPointError } from '../../metrics/failpoint.js';
import type { Catalog, CatalogFile } from '../catalog/catalog.js';
import type { SegmentName } from '../catalog/layout.js';
import { fsyncDir, readSegmentMeta, removeDurable, writeSegmentFile } from '../catalog/segment-io.js';
import { evictReader } from '../read/reader-cache.js';
import type { SegmentHeader, SegmentPart } from '../segment/types.js';
import { tenantDir } from '../write/layout.js';
import { removeIntent, writeIntent } from './intent.js';

export interface RewriteTarget {
  readonly dataDir: string;
  readonly catalog: Catalog;
  readonly tenant: string;
}

/** One file a rewrite produces; its parts are built when it is written (one file in memory at a time). */
export interface RewriteOutput {
  readonly path: string;
  readonly name: SegmentName;
  readonly header: SegmentHeader;
  readonly schema: readonly ColumnDef[];
  readonly parts: () => readonly SegmentPart[];
}

function check(point: string): void {
  const err = failPointError(point);
  if (err !== undefined) throw err;
}

/**
 * Replaces `inputs` by new segments, crash-safely (see intent.ts for the protocol and how a start
 * after a crash finishes or rolls it back). The catalog switches from the inputs to the outputs in
 * one step, after the outputs are durable and before the inputs are deleted.
 */
export async function rewriteSegments(
  target: RewriteTarget,
  outputs: readonly RewriteOutput[],
  inputs: readonly CatalogFile[],
): Promise<CatalogFile[]> {
  const inputPaths = inputs.map((f) => f.path);
  if (outputs.some((o) => inputPaths.includes(o.path)))
    throw new Error('a rewrite output cannot replace an input in place');
  const root = tenantDir(target.dataDir, target.tenant);
  const intent = await writeIntent(
    root,
    outputs.map((o) => o.path),
    inputPaths,
  );
  const renamed: string[] = [];
  try {
    for (const output of outputs) {
      await mkdir(dirname(output.path), { recursive: true });
      await writeSegmentFile(`${output.path}.tmp`, output.header, output.schema, output.parts());
      check('store.compact.write');
    }
    for (const output of outputs) {
      check('store.compact.rename');
      await rename(`${output.path}.tmp`, output.path);
      renamed.push(output.path);
    }
  } catch (err) {
    // Roll back now rather than at the next start: the inputs stay the truth. Should the cleanup
    // itself fail, the intent stays and the next run (or start) rolls back.
    try {
      for (const output of outputs) await rm(`${output.path}.tmp`, { force: true });
      for (const path of renamed) await rm(path, { force: true });
      await removeIntent(intent);
    } catch {
      // left to recoverCompactions
    }
    throw err;
  }
  // Committed: every output exists. A failure from here leaves the intent, which the next
  // maintenance run (or start) rolls forward.
  for (const dir of new Set(outputs.map((o) => dirname(o.path)))) await fsyncDir(dir);
  const files: CatalogFile[] = outputs.map((output) => ({
    path: output.path,
    tenant: target.tenant,
    name: output.name,
    meta: readSegmentMeta(output.path),
  }));
  target.catalog.replace(target.tenant, inputPaths, files);
  for (const input of inputs) {
    check('store.compact.delete');
    evictReader(input.path);
    await removeDurable(input.path);
  }
  await removeIntent(intent);
  return files;
}
