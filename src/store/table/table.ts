import { mkdir, open, readdir, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DecodeError } from '../encoding/byte-io.js';
import { fsyncDir } from '../wal/wal-file.js';
import { BlockDecoder } from './block-decode.js';
import { BlockEncoder } from './block-encode.js';
import { CODEC_ZSTD_FILE_DICT, readHeader } from './block-format.js';
import { rowsByHour } from './check-rows.js';
import { ChunkBuilder, type StringMatch, selectRows } from './chunk-builder.js';
import { type FileState, indexFile } from './file-index.js';
import { fileDictionary, readBlocks } from './file-read.js';
import { HOUR_MS, hourFileName, parseHourFileName } from './hour-files.js';
import { checkSchema, type TableChunk, type TableRows, type TableSchema } from './schema.js';

export interface TableDeps {
  readonly log: (line: string) => void;
}

export interface TableOptions {
  /** Never writes: no appends, no retention, torn tails are ignored rather than cut. */
  readonly readOnly: boolean;
}

/** Which rows a scan returns. */
export interface ScanRequest {
  /** Rows with from <= time < to (either may be infinite). */
  readonly from: number;
  readonly to: number;
  /** The columns wanted (default: all). */
  readonly columns?: readonly string[] | undefined;
  /** Every match must hold (string column = one of the values). */
  readonly match?: readonly StringMatch[] | undefined;
  /** A chunk is handed out once it holds this many rows (whole blocks: it may hold a few more). */
  readonly chunkRows?: number | undefined;
  /**
   * Hour files newest first, one chunk per file (chunkRows does not apply): every row of a later
   * chunk is older than every row of the chunks before it, so "the latest n rows" can stop early.
   */
  readonly newestFirst?: boolean | undefined;
  readonly signal?: AbortSignal | undefined;
}

export interface ScanChunk {
  readonly chunk: TableChunk;
  /** Rows decoded for this chunk, selected or not (what a scan limit counts). */
  readonly scanned: number;
}

export interface TableStats {
  files: number;
  diskBytes: number;
  appendedRows: number;
  appendedBlocks: number;
  appendFailures: number;
  /** Torn tails found (and, unless read-only, cut) and their bytes. */
  tornTails: number;
  tornBytes: number;
  /** Blocks that failed their checksum when a file was indexed or read: skipped. */
  corruptBlocks: number;
  expiredFiles: number;
}

interface FileEntry {
  /** Bytes on disk. */
  bytes: number;
  index: Promise<FileState> | undefined;
}

const DEFAULT_CHUNK_ROWS = 1 << 20;

/**
 * One table of the table store: append-only hour files of blocks (block-format.ts), written by
 * one writer (appends and retention run one at a time) and read by any number of scans. A file is
 * indexed — read whole, every block's checksum checked — the first time a scan or an append needs
 * it (the newest at open); a torn tail found then is cut before anything is appended after it.
 * Scans read only blocks that were complete and synced when the scan reached their file, skipping
 * blocks outside the time range by their header's least and greatest time.
 */
export class Table {
  private readonly files = new Map<number, FileEntry>();
  private readonly encoder: BlockEncoder;
  private queue: Promise<unknown> = Promise.resolve();
  /** The dictionary of the hour file last appended to (codec 2, block-format.ts). */
  private writerDictionary: { hour: number; payload: Uint8Array | undefined } | undefined;
  private readonly counters: Omit<TableStats, 'files' | 'diskBytes'> = {
    appendedRows: 0,
    appendedBlocks: 0,
    appendFailures: 0,
    tornTails: 0,
    tornBytes: 0,
    corruptBlocks: 0,
    expiredFiles: 0,
  };

  constructor(
    readonly schema: TableSchema,
    readonly dir: string,
    private readonly deps: TableDeps,
    private readonly options: TableOptions,
  ) {
    checkSchema(schema);
    this.encoder = new BlockEncoder(schema);
  }

  /** Lists the hour files; unless read-only, creates the directory and checks the newest file's tail. */
  async open(): Promise<void> {
    if (!this.options.readOnly) {
      await mkdir(this.dir, { recursive: true });
      await fsyncDir(dirname(this.dir));
    }
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && this.options.readOnly) return;
      throw err;
    }
    for (const name of names) {
      const hour = parseHourFileName(name);
      if (hour === undefined) continue;
      const { size } = await stat(join(this.dir, name));
      this.files.set(hour, { bytes: size, index: undefined });
    }
    const newest = Math.max(...this.files.keys());
    if (this.files.size > 0 && !this.options.readOnly) await this.indexed(newest);
  }

  /**
   * Appends rows (one block per hour they fall in), durable when the promise resolves. The rows
   * must not change until then. Throws at once on rows that do not fit the schema.
   */
  append(rows: TableRows): Promise<void> {
    if (this.options.readOnly) return Promise.reject(new Error(`table ${this.schema.name} is read-only`));
    const byHour = rowsByHour(this.schema, rows);
    return this.serially(async () => {
      for (const [hour, pick] of byHour) await this.appendBlock(hour, rows, pick);
      this.counters.appendedRows += rows.rows;
    });
  }

  /** Deletes the hour files that ended more than `days` days before `now`; resolves to how many. */
  applyRetention(now: number, days: number): Promise<number> {
    const cutoff = now - days * 86_400_000;
    return this.serially(async () => {
      let deleted = 0;
      for (const hour of [...this.files.keys()]) {
        if (hour + HOUR_MS > cutoff) continue;
        try {
          await unlink(this.path(hour));
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
        }
        this.files.delete(hour);
        deleted++;
      }
      this.counters.expiredFiles += deleted;
      return deleted;
    });
  }

  /** The rows of a time range, in chunks (file order: by hour, then as appended). */
  async *scan(request: ScanRequest): AsyncGenerator<ScanChunk> {
    const { from, to, signal } = request;
    const wanted = request.columns;
    const columns =
      wanted === undefined ? this.schema.columns : this.schema.columns.filter((c) => wanted.includes(c.name));
    const chunkRows = request.chunkRows ?? DEFAULT_CHUNK_ROWS;
    const match = request.match ?? [];
    const builder = new ChunkBuilder(columns);
    const decoder = new BlockDecoder();
    let select = new Uint32Array(0);
    let scanned = 0;
    const hours = [...this.files.keys()].filter((h) => h < to && h + HOUR_MS > from).sort((a, b) => a - b);
    if (request.newestFirst === true) hours.reverse();
    for (const hour of hours) {
      signal?.throwIfAborted();
      const found = await this.indexedIfPresent(hour);
      if (found === undefined) continue;
      const blocks = found.state.blocks.filter((b) => b.header.maxTime >= from && b.header.minTime < to);
      const path = this.path(hour);
      const dictionary = blocks.some((b) => b.header.codec === CODEC_ZSTD_FILE_DICT)
        ? await fileDictionary(path, found.state.blocks, found.bytes)
        : undefined;
      for await (const { block, bytes, at } of readBlocks(path, blocks, found.bytes)) {
        try {
          decoder.load(block.header, bytes, at, dictionary);
          if (select.length < decoder.rows)
            select = new Uint32Array(Math.max(decoder.rows, select.length * 2));
          const n = selectRows(decoder, this.schema.timeColumn, from, to, match, select);
          if (n > 0) builder.add(decoder, select, n);
        } catch (err) {
          if (!(err instanceof DecodeError)) throw err;
          this.corrupt(hour, block.offset, err.message);
          continue;
        }
        scanned += block.header.rows;
        // Newest first, chunks end with files only: a file's blocks are read oldest first.
        if (builder.rows >= chunkRows && request.newestFirst !== true) {
          yield { chunk: builder.take(), scanned };
          scanned = 0;
          signal?.throwIfAborted();
        }
      }
      if (request.newestFirst === true && (builder.rows > 0 || scanned > 0)) {
        yield { chunk: builder.take(), scanned };
        scanned = 0;
      }
    }
    if (builder.rows > 0 || scanned > 0) yield { chunk: builder.take(), scanned };
  }

  stats(): TableStats {
    let diskBytes = 0;
    for (const f of this.files.values()) diskBytes += f.bytes;
    return { files: this.files.size, diskBytes, ...this.counters };
  }

  /** Waits for the appends and retention runs queued so far. */
  async flush(): Promise<void> {
    await this.serially(async () => {});
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => {});
    return next;
  }

  private path(hour: number): string {
    return join(this.dir, hourFileName(hour));
  }

  private async appendBlock(hour: number, rows: TableRows, pick: readonly number[]): Promise<void> {
    let entry = this.files.get(hour);
    const created = entry === undefined;
    if (entry === undefined) {
      entry = { bytes: 0, index: Promise.resolve({ size: 0, blocks: [], appendable: true }) };
      this.files.set(hour, entry);
    }
    const { state } = await this.indexed(hour);
    if (!state.appendable)
      throw new Error(`${this.path(hour)}: cannot append after a torn tail that could not be cut`);
    const first = state.blocks.length === 0;
    const dictionary = first ? undefined : await this.dictionaryFor(hour, state);
    const bytes = this.encoder.encode(rows, pick, dictionary);
    const handle = await open(this.path(hour), 'a').catch((err: unknown) => {
      this.counters.appendFailures++;
      throw err;
    });
    try {
      for (let at = 0; at < bytes.length; )
        at += (await handle.write(bytes, at, bytes.length - at)).bytesWritten;
      await handle.datasync();
    } catch (err) {
      this.counters.appendFailures++;
      // Best effort: a partial block left behind is cut by the next open's tail check anyway.
      await handle.truncate(state.size).catch(() => {});
      throw err;
    } finally {
      await handle.close();
    }
    if (created) await fsyncDir(this.dir);
    state.blocks.push({ offset: state.size, header: readHeader(bytes, 0) });
    if (first) this.writerDictionary = { hour, payload: this.encoder.lastPayload() };
    state.size += bytes.length;
    entry.bytes = state.size;
    this.counters.appendedBlocks++;
  }

  /** The dictionary of an hour file's codec-2 blocks, kept for the hour last appended to. */
  private async dictionaryFor(hour: number, state: FileState): Promise<Uint8Array | undefined> {
    if (this.writerDictionary?.hour !== hour)
      this.writerDictionary = {
        hour,
        payload: await fileDictionary(this.path(hour), state.blocks, undefined),
      };
    return this.writerDictionary.payload;
  }

  /** The file's index; `bytes` is the whole file when this call read it to build the index. */
  private async indexed(hour: number): Promise<{ state: FileState; bytes?: Uint8Array }> {
    const entry = this.files.get(hour)!;
    if (entry.index !== undefined) return { state: await entry.index };
    const built = this.buildIndex(hour, entry);
    entry.index = built.then((b) => b.state);
    return await built;
  }

  private async indexedIfPresent(
    hour: number,
  ): Promise<{ state: FileState; bytes?: Uint8Array } | undefined> {
    if (!this.files.has(hour)) return undefined;
    return this.indexed(hour);
  }

  private async buildIndex(hour: number, entry: FileEntry): Promise<{ state: FileState; bytes: Uint8Array }> {
    const path = this.path(hour);
    const built = await indexFile(path, this.options.readOnly, (line) =>
      this.deps.log(`table ${this.schema.name}: ${path}: ${line}`),
    );
    for (const c of built.corrupt) this.corrupt(hour, c.offset, c.reason);
    if (built.tornBytes > 0) {
      this.counters.tornTails++;
      this.counters.tornBytes += built.tornBytes;
    }
    if (built.cut) entry.bytes = built.state.size;
    return built;
  }

  private corrupt(hour: number, offset: number, reason: string): void {
    this.counters.corruptBlocks++;
    this.deps.log(
      `table ${this.schema.name}: ${this.path(hour)}: skipping the block at ${offset}: ${reason}`,
    );
  }
}
