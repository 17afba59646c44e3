import { type LogTarget, loggerOf, logSink } from '../log/sink.js';
import { metricsTableSchema } from '../metrics/metrics-table.js';
import { defaultMetricsTableWriterConfig, MetricsTableWriter } from '../metrics/metrics-table-writer.js';
import type { Registry } from '../metrics/registry.js';
import type { TableSource } from '../query/table-query.js';
import { openTable, type ScanRequest, type Table } from '../store/table/index.js';

export interface MetricsStoreConfig {
  /** How often the registry is stored in the metrics table; 0: never (what is stored stays readable). */
  readonly metricsStoreIntervalMs: number;
  readonly metricsRetentionDays: number;
}

/**
 * The server's `metrics` table: the table store's DATA/tables/metrics/ and the writer that stores
 * the registry in it. `source` is what the query engine reads; it is empty until `start`. The
 * table is opened once the store holds the data directory's lock (call `start` after the store's).
 * A table that cannot be opened is logged and left out: flows matter more than their metrics.
 */
export class MetricsStore {
  private table: Table | undefined;
  private writer: MetricsTableWriter | undefined;
  private failure: string | undefined;
  /** Torn tails, damaged blocks, failed snapshots and their recovery: all worth an operator's look. */
  private readonly log: (line: string) => void;

  readonly source: TableSource = {
    scan: (request: ScanRequest) => this.table?.scan(request) ?? emptyScan(),
  };

  constructor(
    private readonly deps: { readonly dataDir: string; readonly log: LogTarget },
    private readonly config: MetricsStoreConfig,
  ) {
    this.log = logSink(loggerOf(deps.log), 'warn');
  }

  async start(registry: Registry): Promise<void> {
    try {
      this.table = await openTable(this.deps.dataDir, metricsTableSchema, { log: this.log });
    } catch (err) {
      this.failure = (err as Error).message;
      this.log(`metrics table: cannot open it, metrics are not stored: ${this.failure}`);
      return;
    }
    this.writer = new MetricsTableWriter(
      { registry, table: this.table, log: this.log },
      {
        ...defaultMetricsTableWriterConfig,
        intervalMs: this.config.metricsStoreIntervalMs,
        retentionDays: this.config.metricsRetentionDays,
      },
    );
    this.writer.start();
  }

  /** Stores a last snapshot and waits for the writes. */
  async stop(): Promise<void> {
    await this.writer?.stop();
    await this.table?.flush();
  }

  describe(): string {
    if (this.failure !== undefined) return `metrics table: unavailable (${this.failure})`;
    return `metrics table: ${this.writer?.describe() ?? 'not started'} (SELECT … FROM metrics, admins)`;
  }
}

async function* emptyScan() {}
