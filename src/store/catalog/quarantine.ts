import { mkdir, rename } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { DecodeError } from '../encoding/byte-io.js';
import { CorruptSegmentError } from '../segment/types.js';
import { quarantineDir } from './layout.js';
import { fsyncDir } from './segment-io.js';

/**
 * Moves a segment that failed its checksum (or cannot be parsed at all) out of the way, to
 * DATA/store/<tenant>/quarantine/<date>_<file>, so an operator can inspect or restore it and the
 * catalog never offers it again. Returns the new path.
 */
export async function quarantineFile(dataDir: string, tenant: string, path: string): Promise<string> {
  const dir = quarantineDir(dataDir, tenant);
  await mkdir(dir, { recursive: true });
  const target = `${dir}/${basename(dirname(path))}_${basename(path)}`;
  await rename(path, target);
  await fsyncDir(dir);
  await fsyncDir(dirname(path)).catch(() => undefined);
  return target;
}

/**
 * Whether an error opening or reading a segment means the file itself is bad (quarantine it) rather
 * than the system (permissions, descriptors, a missing file: retry or report).
 */
export function isCorruption(err: unknown): boolean {
  if (err instanceof CorruptSegmentError) return true;
  if ((err as { code?: unknown }).code === 'corrupt_segment') return true;
  return err instanceof DecodeError || err instanceof RangeError;
}
