import type { EngineTable } from '../../query/engine.js';
import { emptyTable } from '../../query/table-query.js';
import { BatchDedup } from '../../server/batch-dedup.js';
import { openTable, type ScanRequest, type Table, type TableRows } from '../../store/table/index.js';
import type { TestType } from '../contract.js';
import { BATCH_COLUMN, synthTables } from '../tables.js';
import { pickRows, type ResultItem, rowsByTable } from './result-rows.js';

export interface SynthResultsConfig {
  /** Days of results kept; hour files that ended before are deleted (checked at start and hourly). */
  readonly retentionDays: number;
}

const HOUR_MS = 3_600_000;

/**
 * The synth_* tables of the server's data directory (DATA/tables/synth_<type>/) and the way
 * results get into them: each agent batch exactly once. A batch names its agent's session and
 * sequence number; retries within a server run are recognized in memory (BatchDedup). The first
 * batch of a session this run may be a retry of one stored just before a crash, maybe partly (one
 * table-store block per table and hour): its rows carry the batch's name in `_batch`, so the
 * blocks already there are found by a scan of the batch's own time range and not stored again.
 */
export class SynthResultsStore {
  private readonly tables = new Map<TestType, Table>();
  private readonly dedup = new BatchDedup();
  /** `agent/session` whose batches this run checked against the tables (or created). */
  private readonly checked = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  readonly stats = { batches: 0, duplicateBatches: 0, recoveredBlocks: 0, rows: 0, expiredFiles: 0 };

  constructor(
    private readonly deps: { readonly dataDir: string; readonly log: (line: string) => void },
    private readonly config: SynthResultsConfig,
  ) {}

  async start(): Promise<void> {
    for (const t of Object.values(synthTables))
      this.tables.set(t.type, await openTable(this.deps.dataDir, t.schema, { log: this.deps.log }));
    await this.expire();
    this.timer = setInterval(() => void this.expire(), HOUR_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.tables.values()].map((t) => t.flush()));
  }

  /** The tables as the query engine reads them: every tenant sees its own rows. */
  engineTables(): EngineTable[] {
    return synthEngineTables(this.tables);
  }

  /** Stores a batch's results unless it was stored already; resolves false for a duplicate. */
  async store(agent: string, session: string, seq: number, items: readonly ResultItem[]): Promise<boolean> {
    const stored = await this.dedup.once(agent, session, seq, async () => {
      const key = `${agent}/${session}`;
      const fresh = !this.checked.has(key);
      this.checked.add(key);
      try {
        for (const [type, rows] of rowsByTable(items)) {
          const table = this.tables.get(type);
          if (table === undefined) throw new Error('the synth tables are not open');
          const todo = fresh ? await this.notStored(table, rows, items[0]!.cx.batch) : rows;
          if (todo.rows > 0) await table.append(todo);
          this.stats.rows += todo.rows;
        }
      } catch (err) {
        // Whatever part was stored, the next attempt checks again.
        this.checked.delete(key);
        throw err;
      }
    });
    this.stats.batches++;
    if (!stored) this.stats.duplicateBatches++;
    return stored;
  }

  /** The rows of hours where no block of `batch` is stored yet. */
  private async notStored(table: Table, rows: TableRows, batch: string): Promise<TableRows> {
    const times = rows.columns.time as Float64Array;
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const t of times) [from, to] = [Math.min(from, t), Math.max(to, t + 1)];
    const storedHours = new Set<number>();
    const request = { from, to, columns: ['time'], match: [{ column: BATCH_COLUMN, values: [batch] }] };
    for await (const { chunk } of table.scan(request)) {
      const found = chunk.columns.time as Float64Array;
      for (let i = 0; i < chunk.rows; i++) storedHours.add(Math.floor(found[i]! / HOUR_MS));
    }
    if (storedHours.size === 0) return rows;
    this.stats.recoveredBlocks += storedHours.size;
    this.deps.log(
      `synth results: batch ${batch} was stored before a restart in ${storedHours.size} hour block(s) of ${table.schema.name}; not storing those again`,
    );
    return pickRows(rows, (i) => !storedHours.has(Math.floor(times[i]! / HOUR_MS)));
  }

  private async expire(): Promise<void> {
    try {
      for (const t of this.tables.values())
        this.stats.expiredFiles += await t.applyRetention(Date.now(), this.config.retentionDays);
    } catch (err) {
      this.deps.log(`synth results: retention failed: ${(err as Error).message}`);
    }
  }
}

/** The synth tables of `tables` as query-engine tables: every tenant sees its own rows. */
export function synthEngineTables(tables: ReadonlyMap<TestType, Table>): EngineTable[] {
  return Object.values(synthTables).map((t) => ({
    info: { name: t.schema.name, kind: 'table', columns: t.fields, tenantColumn: 'tenant' },
    adminOnly: false,
    source: {
      scan: (request: ScanRequest) => tables.get(t.type)?.scan(request) ?? emptyTable.scan(request),
    },
  }));
}

/** The synth tables of a data directory, read as they are (for `flowlens query --data`). */
export async function readOnlySynthTables(dataDir: string): Promise<EngineTable[]> {
  const tables = new Map<TestType, Table>();
  for (const t of Object.values(synthTables))
    tables.set(t.type, await openTable(dataDir, t.schema, { log: () => {} }, { readOnly: true }));
  return synthEngineTables(tables);
}
