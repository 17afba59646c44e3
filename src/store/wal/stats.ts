/** Counters of the WAL (exported as metrics by the store: flowlens_store_wal_*). */
export interface WalStats {
  records: number;
  rows: number;
  bytes: number;
  /** Write + fsync rounds: each one commits every append that was waiting (group commit). */
  groups: number;
  fsyncs: number;
  fsyncMs: number;
  filesCreated: number;
  filesDeleted: number;
  deleteErrors: number;
  writeErrors: number;
}

export function newWalStats(): WalStats {
  return {
    records: 0,
    rows: 0,
    bytes: 0,
    groups: 0,
    fsyncs: 0,
    fsyncMs: 0,
    filesCreated: 0,
    filesDeleted: 0,
    deleteErrors: 0,
    writeErrors: 0,
  };
}
