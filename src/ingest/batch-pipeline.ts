import { createFlowBatch, createInterfaceCounterBatch } from '../flow/batch.js';
import type { DecodeTarget } from './context.js';
import type { FlowSink } from './sink.js';

export interface BatchPipelineConfig {
  /** Hand a batch to the sink once it holds this many flows (or interface counter rows). */
  flushRows: number;
  /** Writes a slow (async) sink may have in flight; each holds its own batch. */
  maxPendingWrites: number;
  /** While the sink is behind, rows buffered beyond this are dropped (counted), newest first. */
  maxBufferedRows: number;
}

export const defaultBatchPipelineConfig: BatchPipelineConfig = {
  flushRows: 8192,
  maxPendingWrites: 4,
  maxBufferedRows: 1_000_000,
};

export interface BatchPipelineStats {
  batches: number;
  flows: number;
  counterRecords: number;
  pendingWrites: number;
  /** Rows dropped because the sink fell behind by more than maxBufferedRows. */
  droppedFlows: number;
  droppedCounterRecords: number;
  /** Writes that threw or rejected; their rows are lost and counted here. */
  writeErrors: number;
  lostFlows: number;
}

/**
 * The decode target the collector writes into, and its hand-off to the sink. A synchronous sink
 * gets the same batches back every time (cleared after each write); an asynchronous one keeps
 * its batch until its promise settles while decoding continues into a spare.
 */
export class BatchPipeline {
  target: DecodeTarget;
  private readonly spares: DecodeTarget[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private writingRows = 0;
  private readonly counts = {
    batches: 0,
    flows: 0,
    counterRecords: 0,
    droppedFlows: 0,
    droppedCounterRecords: 0,
    writeErrors: 0,
    lostFlows: 0,
  };

  constructor(
    private readonly sink: FlowSink,
    private readonly config: BatchPipelineConfig,
    private readonly onWriteError: (err: unknown) => void,
  ) {
    this.target = newTarget(config.flushRows);
  }

  /**
   * Called after each packet is decoded into `target`, with the row counts from before it:
   * flushes a full batch, or drops this packet's rows when the sink is behind and the buffer full.
   */
  afterPacket(flowsBefore: number, countersBefore: number): void {
    const t = this.target;
    if (t.flows.length < this.config.flushRows && t.counters.length < this.config.flushRows) return;
    if (this.inFlight.size < this.config.maxPendingWrites) {
      this.flush();
      return;
    }
    if (t.flows.length > this.config.maxBufferedRows || t.counters.length > this.config.maxBufferedRows) {
      this.counts.droppedFlows += t.flows.length - flowsBefore;
      this.counts.droppedCounterRecords += t.counters.length - countersBefore;
      t.flows.truncate(flowsBefore);
      t.counters.truncate(countersBefore);
    }
  }

  /** Hands the current batch to the sink, unless it is empty or the sink has too much in flight. */
  flush(): void {
    const t = this.target;
    if (t.flows.length === 0 && t.counters.length === 0) return;
    if (this.inFlight.size >= this.config.maxPendingWrites) return;
    this.counts.batches++;
    this.counts.flows += t.flows.length;
    this.counts.counterRecords += t.counters.length;
    let result: void | Promise<void>;
    try {
      result = this.sink.write(t.flows, t.counters);
    } catch (err) {
      this.failed(t, err);
      return;
    }
    if (result === undefined) {
      clear(t);
      return;
    }
    this.target = this.spares.pop() ?? newTarget(this.config.flushRows);
    const rows = t.flows.length + t.counters.length;
    this.writingRows += rows;
    const write: Promise<void> = result.then(
      () => this.release(t, write, rows),
      (err: unknown) => {
        this.failed(t, err);
        this.release(t, write, rows);
      },
    );
    this.inFlight.add(write);
  }

  /** Flushes what is buffered and waits for every write in flight. */
  async drain(): Promise<void> {
    for (;;) {
      this.flush();
      if (this.inFlight.size === 0 && this.target.flows.length === 0 && this.target.counters.length === 0)
        return;
      await Promise.race(this.inFlight);
    }
  }

  stats(): BatchPipelineStats {
    return { ...this.counts, pendingWrites: this.inFlight.size };
  }

  /** Rows (flows and counter records) decoded into the current batch, not yet handed to the sink. */
  bufferedRows(): number {
    return this.target.flows.length + this.target.counters.length;
  }

  /** Rows in the writes still in flight (handed to an asynchronous sink, not yet settled). */
  inFlightRows(): number {
    return this.writingRows;
  }

  private release(t: DecodeTarget, write: Promise<void>, rows: number): void {
    this.inFlight.delete(write);
    this.writingRows -= rows;
    clear(t);
    this.spares.push(t);
  }

  private failed(t: DecodeTarget, err: unknown): void {
    this.counts.writeErrors++;
    this.counts.lostFlows += t.flows.length;
    clear(t);
    this.onWriteError(err);
  }
}

function newTarget(rows: number): DecodeTarget {
  return { flows: createFlowBatch(rows + 1024), counters: createInterfaceCounterBatch(256) };
}

function clear(t: DecodeTarget): void {
  t.flows.clear();
  t.counters.clear();
}
