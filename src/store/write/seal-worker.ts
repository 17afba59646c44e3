import { Worker } from 'node:worker_threads';
import type { NumberArray } from '../../flow/batch.js';
import type { ColumnDef } from '../../flow/schema.js';
import type { SegmentHeader, SegmentMeta } from '../segment/types.js';
import type { OpenBuffer } from './open-buffer.js';

/**
 * Runs the segment writer in a worker thread, so that appends on the main thread never wait
 * behind a seal (encoding a minute takes seconds of CPU). The open buffer's column chunks live in
 * SharedArrayBuffers (./chunk-pool.ts): they are posted without a copy, and the buffer stays
 * readable on the main thread meanwhile (frozen: nothing writes to it until it is released,
 * which happens only after the worker answered). The crash-safety order and the fail points stay
 * with the caller (./sealer.ts) on the main thread: the worker only writes `<path>.tmp`, fsyncs it
 * and renames it to `path` (the sealer's own temporary name).
 */
export interface SealRequest {
  readonly id: number;
  readonly path: string;
  readonly header: SegmentHeader;
  readonly schema: readonly ColumnDef[];
  readonly bucket: number;
  readonly rows: number;
  /** Column chunks in arrival order (shared memory); the worker groups the rows per device. */
  readonly columns: readonly (readonly NumberArray[] | undefined)[];
  readonly dicts: readonly (readonly string[] | undefined)[];
  readonly deviceColumn: number;
}

/** `cpuMs`: the worker thread's CPU time for the request (NaN where it cannot be measured). */
export type SealResponse =
  | { readonly id: number; readonly cpuMs: number; readonly meta: SegmentMeta; readonly error?: undefined }
  | {
      readonly id: number;
      readonly cpuMs: number;
      readonly error: { message: string; code?: string; stack?: string };
    };

interface Waiting {
  resolve: (meta: SegmentMeta) => void;
  reject: (err: unknown) => void;
}

export class SealWorker {
  /** CPU time the worker thread spent on seals (encode, write, fsync). */
  cpuMs = 0;
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<number, Waiting>();

  /** Writes the buffer's durable rows as a segment at `path` (through `<path>.tmp`). */
  write(
    path: string,
    header: SegmentHeader,
    schema: readonly ColumnDef[],
    buffer: OpenBuffer,
  ): Promise<SegmentMeta> {
    const worker = this.start();
    const id = this.nextId++;
    const request: SealRequest = {
      id,
      path,
      header,
      schema,
      bucket: buffer.minute,
      rows: buffer.rows,
      columns: buffer.columns.chunks,
      dicts: buffer.columns.dicts.map((d) => d?.values),
      deviceColumn: buffer.deviceColumn,
    };
    return new Promise<SegmentMeta>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      if (this.waiting.size === 1) worker.ref();
      try {
        worker.postMessage(request);
      } catch (err) {
        this.settle(id)?.reject(err);
      }
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
  }

  private start(): Worker {
    if (this.worker !== undefined) return this.worker;
    const worker = new Worker(new URL('./seal-worker-thread.js', import.meta.url));
    worker.unref();
    worker.on('message', (response: SealResponse) => {
      if (response.cpuMs >= 0) this.cpuMs += response.cpuMs;
      const waiting = this.settle(response.id);
      if (waiting === undefined) return;
      if (response.error === undefined) waiting.resolve(response.meta);
      else {
        const { message, code, stack } = response.error;
        waiting.reject(Object.assign(new Error(message), { code, stack }));
      }
    });
    const fail = (err: unknown) => {
      if (this.worker === worker) this.worker = undefined;
      const error = err instanceof Error ? err : new Error(`seal worker exited (${String(err)})`);
      for (const id of [...this.waiting.keys()]) this.settle(id)?.reject(error);
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`seal worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private settle(id: number): Waiting | undefined {
    const waiting = this.waiting.get(id);
    this.waiting.delete(id);
    if (this.waiting.size === 0) this.worker?.unref();
    return waiting;
  }
}
