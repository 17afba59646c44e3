import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { writeFileAtomic } from '../../util/atomic-file.js';
import { fsyncDir } from '../catalog/segment-io.js';

/**
 * Crash safety of a rewrite (compaction, rollup rebuild). Before anything is written, an intent file
 * DATA/store/<tenant>/compact-<id>.intent.json names the outputs and the inputs they replace. Then:
 *
 *   1. write each output as <output>.tmp and fsync it        fail point store.compact.write
 *   2. rename them into place, fsync the folders              fail point store.compact.rename
 *   3. delete the inputs, fsync their folders                 fail point store.compact.delete
 *   4. delete the intent file
 *
 * At start, for every intent left behind: if every output exists the rewrite is complete, so the
 * remaining inputs are deleted (roll forward); otherwise the outputs already renamed and the
 * temporary ones are deleted and the inputs stay (roll back). Outputs never share a name with an
 * input. Either way each row is in exactly one place: nothing lost, nothing twice.
 */
export interface CompactionIntent {
  /** Paths relative to the tenant folder. */
  readonly outputs: readonly string[];
  readonly inputs: readonly string[];
}

let sequence = 0;

export async function writeIntent(
  tenantRoot: string,
  outputs: readonly string[],
  inputs: readonly string[],
): Promise<string> {
  const intent: CompactionIntent = {
    outputs: outputs.map((p) => relative(tenantRoot, p)),
    inputs: inputs.map((p) => relative(tenantRoot, p)),
  };
  const file = join(tenantRoot, `compact-${Date.now()}-${process.pid}-${sequence++}.intent.json`);
  await writeFileAtomic(file, JSON.stringify(intent));
  return file;
}

export async function removeIntent(file: string): Promise<void> {
  await rm(file, { force: true });
}

/** Finishes or rolls back every rewrite a crash interrupted; returns how many there were. */
export async function recoverCompactions(tenantRoot: string): Promise<number> {
  let entries: string[];
  try {
    entries = await readdir(tenantRoot);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let recovered = 0;
  for (const entry of entries.sort()) {
    if (entry.startsWith('compact-') && entry.includes('.tmp')) {
      await rm(join(tenantRoot, entry), { force: true });
      continue;
    }
    if (!entry.startsWith('compact-') || !entry.endsWith('.intent.json')) continue;
    const file = join(tenantRoot, entry);
    const intent = parseIntent(await readFile(file, 'utf8'));
    if (intent !== undefined) {
      const outputs = intent.outputs.map((p) => join(tenantRoot, p));
      const complete = (await Promise.all(outputs.map(exists))).every(Boolean);
      if (complete) {
        for (const input of intent.inputs) {
          if (!intent.outputs.includes(input)) await rm(join(tenantRoot, input), { force: true });
        }
      } else {
        for (const output of outputs) {
          await rm(output, { force: true });
          await rm(`${output}.tmp`, { force: true });
        }
      }
    }
    await rm(file, { force: true });
    await fsyncDir(tenantRoot);
    recovered++;
  }
  return recovered;
}

function parseIntent(text: string): CompactionIntent | undefined {
  try {
    const value = JSON.parse(text) as CompactionIntent;
    if (!Array.isArray(value.outputs) || !Array.isArray(value.inputs)) return undefined;
    return value;
  } catch {
    // writeFileAtomic never leaves a partial intent; an unreadable one had nothing started yet.
    return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
