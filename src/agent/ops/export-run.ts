import type { FlowRecordSink } from '../contract.js';
import type { AgentExport } from '../export/agent-export.js';

/**
 * Where `flowlens agent`'s records go: to the exporter (--server, --ipfix), printed, or both (when
 * exporting, records are printed only if --format was given).
 */
export function recordSink(exp: AgentExport | undefined, print: FlowRecordSink | undefined): FlowRecordSink {
  if (exp === undefined) return print ?? { write: () => {} };
  if (print === undefined) return exp;
  return {
    write(batch) {
      exp.write(batch);
      print.write(batch);
    },
  };
}

export interface ExportOutcome {
  /** For the run's summary line (`export`). */
  readonly summary: Record<string, unknown>;
  /** What a user must be told: records refused, lost, or left in the spool. */
  readonly messages: string[];
  /** True when records were refused or lost: the command exits 1. */
  readonly lost: boolean;
}

/**
 * The end of a --read run: waits up to `timeoutMs` for the server to acknowledge every record,
 * closes the exporter (what is still unsent goes to the spool, or is dropped without one), and
 * says what happened.
 */
export async function finishExport(exp: AgentExport, timeoutMs: number): Promise<ExportOutcome> {
  const delivered = await exp.flush(timeoutMs);
  await exp.close();
  const summary: Record<string, unknown> = {};
  const messages: string[] = [];
  let lost = false;
  const sender = exp.sender;
  if (sender !== undefined) {
    const s = sender.stats();
    Object.assign(summary, {
      server: sender.endpoint,
      device: sender.config.device,
      rows: s.rows,
      sent_rows: s.sentRows,
      sent_batches: s.sentBatches,
      duplicate_batches: s.duplicateBatches,
      queued_rows: s.queuedRows,
      dropped_rows: s.droppedRows,
      rejected_rows: s.rejectedRows,
      failures: s.failures,
    });
    if (s.rejectedRows > 0) {
      lost = true;
      messages.push(
        `the server refused ${s.rejectedRows} rows (${Object.keys(s.rejected).join(', ')}): ${s.lastError ?? ''}`,
      );
    }
    if (s.droppedRows > 0) {
      lost = true;
      messages.push(
        `${s.droppedRows} rows were not delivered and are lost${sender.config.spoolDir === undefined ? ' (no --spool-dir)' : ''}` +
          (s.lastError === undefined ? '' : `: ${s.lastError}`),
      );
    }
    if (!delivered && s.queuedRows > 0)
      messages.push(
        `${s.queuedRows} rows not acknowledged within ${timeoutMs / 1000} s are kept in ${sender.config.spoolDir} ` +
          'and sent by the next run with this --spool-dir',
      );
  }
  const ipfix = exp.ipfix?.stats();
  if (ipfix !== undefined)
    summary.ipfix = { messages: ipfix.messages, records: ipfix.records, send_errors: ipfix.sendErrors };
  return { summary, messages, lost };
}
