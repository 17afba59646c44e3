import type { FlowBatch, InterfaceCounterBatch } from '../flow/batch.js';
import type { FlowSink } from '../ingest/sink.js';

/** Delivers every batch to several sinks; settles once all have (the batch is reused after). */
export class TeeSink implements FlowSink {
  constructor(private readonly sinks: readonly FlowSink[]) {}

  async write(flows: FlowBatch, counters: InterfaceCounterBatch): Promise<void> {
    const results = await Promise.allSettled(this.sinks.map(async (sink) => sink.write(flows, counters)));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }

  async close(): Promise<void> {
    for (const sink of this.sinks) await sink.close?.();
  }
}
