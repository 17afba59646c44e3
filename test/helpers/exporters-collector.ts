import type { TestContext } from 'node:test';
import { type Collector, type CollectorConfig, createCollector } from '../../src/ingest/collector.js';
import { CountingSink } from '../../src/ingest/sink.js';
import type { ExportTotals } from './exporters-nfcapd.js';

export interface TestCollector {
  collector: Collector;
  sink: CountingSink;
  log: string[];
  /** Totals delivered to the sink so far, after flushing what is buffered. */
  totals(): Promise<ExportTotals>;
}

/** Our collector in-process on loopback, counting into a CountingSink; stopped when the test ends. */
export async function startTestCollector(
  t: TestContext,
  config: Partial<CollectorConfig>,
): Promise<TestCollector> {
  const sink = new CountingSink();
  const log: string[] = [];
  const collector = createCollector(
    { sink, log: (line) => log.push(line) },
    { listen: '127.0.0.1', netflowPort: 0, sflowPort: 0, ipfixTcpPort: 0, ...config },
  );
  await collector.start();
  t.after(() => collector.stop());
  return {
    collector,
    sink,
    log,
    async totals() {
      await collector.flush();
      const { flows, packets, bytes } = sink.total;
      return { flows, packets, bytes };
    },
  };
}
