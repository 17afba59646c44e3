import { readdir, readFile, stat, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import type { ColumnDef } from '../../flow/schema.js';
import { parseWalFileName } from '../write/layout.js';
import { type DecodedRecord, decodeRecord, WAL_FILE_MAGIC } from './record.js';
import { WalFile } from './wal-file.js';

export interface WalFileInfo {
  readonly path: string;
  readonly startLsn: number;
  readonly bytes: number;
}

/** The WAL files of a folder in LSN order (none if the folder does not exist). */
export async function listWalFiles(dir: string): Promise<WalFileInfo[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const files: WalFileInfo[] = [];
  for (const name of names) {
    const startLsn = parseWalFileName(name);
    if (startLsn === undefined) continue;
    const path = join(dir, name);
    files.push({ path, startLsn, bytes: (await stat(path)).size });
  }
  return files.sort((a, b) => a.startLsn - b.startLsn);
}

export interface WalFileReplay {
  /** The file, closed, with its maxLsn and valid size; the caller adds holders. */
  readonly file: WalFile;
  readonly records: number;
  /** Bytes cut off the end: a record torn by a crash (or otherwise unreadable). */
  readonly tornBytes: number;
}

/**
 * Reads one WAL file, calling `onRecord` for each whole record with a good CRC, in order. The
 * record's columns are views of the file buffer: copy them before returning. At the first bad
 * record the file is truncated there (a torn write after a crash); what follows is lost and counted.
 */
export async function replayWalFile(
  info: WalFileInfo,
  schema: readonly ColumnDef[],
  onRecord: (record: DecodedRecord, file: WalFile) => void,
): Promise<WalFileReplay> {
  let buf = await readFile(info.path);
  if (buf.byteOffset % 8 !== 0) buf = Buffer.from(new Uint8Array(buf));
  const file = new WalFile(info.path, info.startLsn, 0, 0, undefined);
  if (buf.length < WAL_FILE_MAGIC.length || !buf.subarray(0, WAL_FILE_MAGIC.length).equals(WAL_FILE_MAGIC)) {
    return { file, records: 0, tornBytes: buf.length };
  }
  let offset = WAL_FILE_MAGIC.length;
  let records = 0;
  for (;;) {
    const record = decodeRecord(schema, buf, offset);
    if (record === 'end') break;
    if (record === 'torn') {
      await truncate(info.path, offset);
      file.size = offset;
      return { file, records, tornBytes: buf.length - offset };
    }
    file.maxLsn = record.lsn;
    onRecord(record, file);
    offset += record.bytes;
    records++;
  }
  file.size = offset;
  return { file, records, tornBytes: 0 };
}
