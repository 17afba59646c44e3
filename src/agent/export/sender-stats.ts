/** What a FlowSender did so far (counters) and holds now (gauges). */
export interface FlowSenderStats {
  /** Batches and rows handed to send() (a batch over maxRowsPerRequest counts once per part). */
  batches: number;
  rows: number;
  /** Acknowledged by the server (durable there). */
  sentBatches: number;
  sentRows: number;
  /** Bytes of acknowledged request bodies (compressed). */
  sentBytes: number;
  /** Acknowledged as already stored: a retry whose first answer was lost (not stored twice). */
  duplicateBatches: number;
  /** POST attempts, and the failed ones by reason: connect, timeout, network, tls, http_503, … */
  requests: number;
  failures: Record<string, number>;
  /** Refused by the server for good (4xx other than 408/429), not retried, by error code. */
  rejectedBatches: number;
  rejectedRows: number;
  rejected: Record<string, number>;
  /** Lost before reaching the server: the spool (or the memory queue) was full, a spool file unreadable, or closed without a spool. */
  droppedBatches: number;
  droppedRows: number;
  /** Waiting now: in memory and in the spool directory. */
  queuedBatches: number;
  queuedRows: number;
  memoryBytes: number;
  spoolBatches: number;
  spoolBytes: number;
  /** Files written to the spool so far. */
  spooledBatches: number;
  /** Whether the last attempt failed (the server is unreachable or failing). */
  failing: boolean;
  lastError: string | undefined;
}

export function newSenderStats(): FlowSenderStats {
  return {
    batches: 0,
    rows: 0,
    sentBatches: 0,
    sentRows: 0,
    sentBytes: 0,
    duplicateBatches: 0,
    requests: 0,
    failures: {},
    rejectedBatches: 0,
    rejectedRows: 0,
    rejected: {},
    droppedBatches: 0,
    droppedRows: 0,
    queuedBatches: 0,
    queuedRows: 0,
    memoryBytes: 0,
    spoolBatches: 0,
    spoolBytes: 0,
    spooledBatches: 0,
    failing: false,
    lastError: undefined,
  };
}
