import type { Registry } from '../../metrics/registry.js';
import type { FlowSender } from './sender.js';

/** Failure reasons exported as their own series; any other (an unusual HTTP status) is `other`. */
const failureReasons = [
  'connect',
  'timeout',
  'network',
  'tls',
  'http_429',
  'http_500',
  'http_503',
  'http_507',
];

/**
 * The sender's counters and gauges in a registry (docs/agent-export.md lists them), read from
 * its stats at export time.
 */
export function instrumentSender(registry: Registry, sender: FlowSender): void {
  const counter = (name: string, help: string, read: (s: ReturnType<FlowSender['stats']>) => number) =>
    registry.counterFn(name, () => read(sender.stats()), undefined, { help });
  const gauge = (name: string, help: string, read: (s: ReturnType<FlowSender['stats']>) => number) =>
    registry.gaugeFn(name, () => read(sender.stats()), undefined, { help });
  counter('flowlens_agent_export_rows_total', 'Flow rows handed to the sender', (s) => s.rows);
  counter(
    'flowlens_agent_export_sent_rows_total',
    'Flow rows acknowledged by the server (durable there)',
    (s) => s.sentRows,
  );
  counter(
    'flowlens_agent_export_sent_batches_total',
    'Batches acknowledged by the server',
    (s) => s.sentBatches,
  );
  counter(
    'flowlens_agent_export_sent_bytes_total',
    'Compressed bytes of acknowledged batches',
    (s) => s.sentBytes,
  );
  counter(
    'flowlens_agent_export_duplicate_batches_total',
    'Batches the server had stored already (a retry whose first answer was lost)',
    (s) => s.duplicateBatches,
  );
  counter('flowlens_agent_export_requests_total', 'POST attempts', (s) => s.requests);
  counter(
    'flowlens_agent_export_rejected_rows_total',
    'Rows the server refused for good (4xx), not retried',
    (s) => s.rejectedRows,
  );
  counter(
    'flowlens_agent_export_dropped_rows_total',
    'Rows lost before reaching the server: spool or memory queue full, spool file unreadable, closed without a spool',
    (s) => s.droppedRows,
  );
  counter(
    'flowlens_agent_export_spooled_batches_total',
    'Batches written to the spool directory',
    (s) => s.spooledBatches,
  );
  const failed = { help: 'Failed POST attempts (retried), by reason' };
  for (const reason of failureReasons)
    registry.counterFn(
      'flowlens_agent_export_failed_requests_total',
      () => sender.stats().failures[reason] ?? 0,
      { reason },
      failed,
    );
  registry.counterFn(
    'flowlens_agent_export_failed_requests_total',
    () => {
      let n = 0;
      for (const [reason, count] of Object.entries(sender.stats().failures))
        if (!failureReasons.includes(reason)) n += count;
      return n;
    },
    { reason: 'other' },
    failed,
  );
  gauge(
    'flowlens_agent_export_queued_rows',
    'Rows waiting to be sent, in memory and in the spool',
    (s) => s.queuedRows,
  );
  gauge('flowlens_agent_export_memory_bytes', 'Bytes of batches held in memory', (s) => s.memoryBytes);
  gauge('flowlens_agent_export_spool_bytes', 'Bytes of batches in the spool directory', (s) => s.spoolBytes);
  gauge(
    'flowlens_agent_export_failing',
    '1 while the last attempt failed (server unreachable or failing)',
    (s) => (s.failing ? 1 : 0),
  );
}
