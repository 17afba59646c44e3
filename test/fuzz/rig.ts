import { type ColumnBatch, createFlowBatch, createInterfaceCounterBatch } from '../../src/flow/batch.js';
import { type DecodeTarget, minuteOf } from '../../src/ingest/context.js';
import { decodePacket } from '../../src/ingest/decode.js';
import { ExporterState } from '../../src/ingest/exporter.js';
import { DecodeStats, decodeErrorReasons } from '../../src/ingest/stats.js';

export const RECEIVED_AT = Date.UTC(2026, 0, 1, 0, 0, 30);
const knownReasons = new Set<string>(decodeErrorReasons);

/** A failure worth reporting: what was fed, and what went wrong. */
export interface Failure {
  readonly phase: string;
  readonly message: string;
  readonly packetHex: string;
}

/**
 * Feeds packets to decodePacket as the collector would (one ExporterState per exporter address,
 * one shared target batch), catching anything thrown and checking after each call that every
 * counted error has a known reason and that the batches keep their invariant.
 */
export class FuzzRig {
  readonly out: DecodeTarget = { flows: createFlowBatch(1024), counters: createInterfaceCounterBatch(256) };
  readonly stats = new DecodeStats();
  readonly failures: Failure[] = [];
  decoded = 0;
  flows = 0;
  private readonly exporters = new Map<string, ExporterState>();
  private readonly ctx = {
    exporter: undefined as unknown as ExporterState,
    receivedAt: RECEIVED_AT,
    minute: minuteOf(RECEIVED_AT),
    stats: this.stats,
  };
  private phase = '';
  private unknownReasons = 0;

  constructor() {
    this.stats.onError = (reason) => {
      if (!knownReasons.has(reason)) this.unknownReasons++;
    };
  }

  /** The exporter for an address (device id = `deviceId`), created on first use. */
  exporter(address: string, deviceId: number): ExporterState {
    let e = this.exporters.get(address);
    if (e === undefined) {
      e = new ExporterState(address, { id: deviceId, name: `dev${deviceId}`, tenant: 'fuzz' });
      this.exporters.set(address, e);
    }
    return e;
  }

  setPhase(phase: string): void {
    this.phase = phase;
  }

  /** Decodes one packet; returns the flows it appended (0 if it threw). */
  decode(buf: Uint8Array, exporter: ExporterState): number {
    this.ctx.exporter = exporter;
    this.decoded++;
    const before = this.unknownReasons;
    let n = 0;
    try {
      n = decodePacket(buf, this.ctx, this.out);
    } catch (err) {
      this.fail(`threw: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`, buf);
      return 0;
    }
    if (this.unknownReasons !== before) this.fail('counted an error under an unknown reason', buf);
    if (!Number.isInteger(n) || n < 0) this.fail(`returned ${n}`, buf);
    this.flows += n;
    return n;
  }

  /** Checks both batches' invariant; `buf` is the last packet, for the report. */
  checkBatches(buf: Uint8Array): void {
    const problem = batchProblem(this.out.flows) ?? batchProblem(this.out.counters);
    if (problem) this.fail(problem, buf);
  }

  /** Empties the batches once they hold many rows (as a sink would after flushing). */
  recycle(buf: Uint8Array, rows = 8192): void {
    if (this.out.flows.length < rows && this.out.counters.length < rows) return;
    this.checkBatches(buf);
    this.out.flows.clear();
    this.out.counters.clear();
  }

  private fail(message: string, buf: Uint8Array): void {
    if (this.failures.length >= 20) return;
    this.failures.push({ phase: this.phase, message, packetHex: hex(buf) });
  }
}

/**
 * The batch invariant: length within capacity, every cell at or past `length` zero, every string
 * code of a row in its dictionary. Returns what is wrong, or undefined.
 */
export function batchProblem(b: ColumnBatch<string>): string | undefined {
  if (b.length < 0 || b.length > b.capacity) return `length ${b.length} outside capacity ${b.capacity}`;
  for (let c = 0; c < b.schema.length; c++) {
    const col = b.schema[c]!;
    const arr = b.arrays[c]!;
    const width = col.type === 'addr' ? 16 : 1;
    if (arr.length !== b.capacity * width)
      return `column ${col.name} has ${arr.length} cells for capacity ${b.capacity}`;
    for (let i = b.length * width; i < arr.length; i++) {
      if (arr[i] !== 0) return `column ${col.name} cell ${i} past length ${b.length} is ${arr[i]}`;
    }
    if (col.type === 'string') {
      const size = b.dicts[c]!.values.length;
      for (let r = 0; r < b.length; r++)
        if (arr[r]! >= size) return `column ${col.name} row ${r} code ${arr[r]} >= ${size}`;
    }
    if (col.type === 'u64' || col.type === 'time' || col.type === 'mac') {
      for (let r = 0; r < b.length; r++)
        if (!Number.isFinite(arr[r]!)) return `column ${col.name} row ${r} is ${arr[r]}`;
    }
  }
  return undefined;
}

function hex(buf: Uint8Array): string {
  return buf instanceof Uint8Array
    ? Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('hex')
    : String(buf);
}
