import { IpProtocol } from '../../capture/packet-info.js';
import { createFlowBatch, F, type FlowBatch } from '../../flow/batch.js';
import type { AppDecoder, TcpTracker } from '../contract.js';
import type { AgentStats } from '../stats.js';
import { TcpAnalyzer } from '../tcp/tracker.js';
import type { AppFields } from './app-fields.js';
import { metaProtocol } from './flow-key.js';
import { newTcpMetrics, writeFlowRecord } from './flow-record.js';
import type { FlowState } from './flow-state.js';
import { type FlowTable, List } from './flow-table.js';

/** How many flows ahead of the one being exported `exportAll` reads. */
const EXPORT_AHEAD = 8;

export interface RecordExporterDeps {
  readonly table: FlowTable;
  readonly state: FlowState;
  readonly appFields: AppFields;
  readonly apps: readonly AppDecoder<unknown>[];
  readonly tcp: TcpTracker | undefined;
  readonly stats: AgentStats;
  readonly batchRows: number;
  /** Takes a full batch (and the last at a flush); the batch is cleared afterwards. */
  emit(batch: FlowBatch): void;
}

/**
 * Writes flow slots' pending records into the batch (TCP metrics, application fields) and hands
 * full batches over; the decoders hear of each record of their flows (`exported`).
 */
export class RecordExporter {
  private readonly batch: FlowBatch;
  private readonly metrics = newTcpMetrics();
  /** The tracker as createTcpTracker makes it, when it covers every slot (read ahead). */
  private readonly analyzer: TcpAnalyzer | undefined;
  /** The slots exportAll exports, in order (allocated when first needed). */
  private order = new Int32Array(0);
  /** Keeps the reads ahead from being optimized away. */
  readonly aheadSink = new Int32Array(1);

  constructor(private readonly d: RecordExporterDeps) {
    this.batch = createFlowBatch(d.batchRows);
    this.analyzer = d.tcp instanceof TcpAnalyzer && d.tcp.capacity >= d.table.capacity ? d.tcp : undefined;
  }

  /** Exports slot `s`'s pending record. */
  export(s: number): void {
    const { state: st, appFields, apps, tcp: tracker, stats } = this.d;
    const protocol = metaProtocol(this.d.table.meta(s));
    const tcp = protocol === IpProtocol.TCP && tracker !== undefined ? this.metrics : undefined;
    if (tcp !== undefined) tracker!.read(s, tcp);
    const app = st.appOf(s);
    if (app >= 0 && st.appFound(s) && !appFields.has(s, F.app_protocol)) {
      appFields.slot = s;
      appFields.setString('app_protocol', apps[app]!.protocol);
    }
    writeFlowRecord(this.batch, this.d.table, st, s, tcp, appFields);
    st.resetRecord(s);
    if (app >= 0) this.exported(apps[app]!, st.appState[s]);
    stats.records++;
    if (this.batch.length >= this.d.batchRows) this.emit();
  }

  /**
   * Exports every flow with a pending record, least recently seen first (open flows, then closed);
   * returns how many. The slots are listed first, so that each flow's state can be read ahead of
   * its export: a minute boundary exports most of the table at once, and one flow's cache misses
   * then overlap with the export of those before it.
   */
  exportAll(): number {
    const { table, state } = this.d;
    if (this.order.length === 0) this.order = new Int32Array(table.capacity);
    const order = this.order;
    let n = 0;
    for (const list of [List.open, List.closed]) {
      for (let s = table.oldest(list); s >= 0; s = table.after(s)) if (state.pending(s)) order[n++] = s;
    }
    let ahead = 0;
    for (let i = 0; i < n; i++) {
      if (i + EXPORT_AHEAD < n) ahead ^= this.readAhead(order[i + EXPORT_AHEAD]!);
      this.export(order[i]!);
    }
    this.aheadSink[0] = ahead;
    return n;
  }

  /** Hands the records waiting in the batch to the sink. */
  emit(): void {
    if (this.batch.length === 0) return;
    this.d.emit(this.batch);
    this.batch.clear();
  }

  /** Reads a word of each per-slot structure an export of `s` reads: their cache lines load meanwhile. */
  private readAhead(s: number): number {
    const tcp = this.analyzer === undefined ? 0 : this.analyzer.readAhead(s);
    return tcp ^ this.d.appFields.readAhead(s);
  }

  private exported(decoder: AppDecoder<unknown>, state: unknown): void {
    try {
      decoder.exported?.(state);
    } catch {
      this.d.stats.appDecoderThrew++;
    }
  }
}
