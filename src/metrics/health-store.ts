import type { StoreStats } from '../store/store.js';
import { type ComponentHealth, type HealthComponent, judged, round } from './health.js';
import { CounterWindow } from './health-window.js';

/**
 * The store's health, from `store.stats()`.
 *   BAD   the last write (WAL append or fsync, or a seal) failed and none has succeeded since —
 *         disk full (ENOSPC/EDQUOT) or an I/O error; ingest is being refused.
 *   WARN  writes failed in the last minute but later ones succeeded; appends waited for sealing in
 *         the last minute (the seal backlog is over its limit: sealing falls behind ingest); a seal
 *         or maintenance run failed, or a segment was quarantined, in the last minute; the WAL is
 *         still being replayed.
 * "Succeeded" means a WAL write round committed; failures and successes are ordered by the
 * sample (every 5 s and every check) at which the health monitor first saw them.
 */
export function storeHealth(store: { stats(): StoreStats }): HealthComponent {
  const diskFull = new CounterWindow();
  const writeErrors = new CounterWindow();
  const failures = new CounterWindow();
  const commits = new CounterWindow();
  const rows = new CounterWindow();
  const waits = new CounterWindow();
  const sealErrors = new CounterWindow();
  const maintenanceErrors = new CounterWindow();
  const quarantined = new CounterWindow();
  const fsyncs = new CounterWindow();
  const fsyncMs = new CounterWindow();
  return {
    name: 'store',
    check(now: number): ComponentHealth {
      const s = store.stats();
      const w = s.write;
      diskFull.record(now, w.diskFull);
      writeErrors.record(now, w.writeErrors);
      failures.record(now, w.diskFull + w.writeErrors);
      commits.record(now, w.wal.groups);
      rows.record(now, w.appendedRows);
      waits.record(now, w.backpressureWaits);
      sealErrors.record(now, w.sealErrors);
      maintenanceErrors.record(now, s.maintenance.errors);
      quarantined.record(now, s.quarantined);
      fsyncs.record(now, w.wal.fsyncs);
      fsyncMs.record(now, w.wal.fsyncMs);

      const bad: string[] = [];
      const warn: string[] = [];
      const failedAt = failures.lastIncreaseAt;
      const committedAt = commits.lastIncreaseAt;
      const what = describeFailures(diskFull.delta(), writeErrors.delta());
      if (failedAt !== undefined && (committedAt === undefined || committedAt < failedAt))
        bad.push(`the last write failed (${what ?? 'over a minute ago'}) and none has succeeded since`);
      else if (what !== undefined)
        warn.push(
          committedAt === failedAt
            ? `writes failed (${what}); some succeeded around the same time`
            : `writes failed (${what}), later ones succeeded`,
        );
      if (waits.delta() > 0)
        warn.push(
          `appends waited for sealing ${waits.delta()} times in the last minute: the seal backlog is over its limit`,
        );
      if (sealErrors.delta() > 0) warn.push(`${sealErrors.delta()} seals failed in the last minute`);
      if (maintenanceErrors.delta() > 0)
        warn.push(`${maintenanceErrors.delta()} compaction/rollup/retention errors in the last minute`);
      if (quarantined.delta() > 0)
        warn.push(`${quarantined.delta()} corrupt segments quarantined in the last minute`);
      const replay = w.replay;
      if (replay !== undefined && !replay.done)
        warn.push(`replaying the WAL (${Math.round(replay.percent)}%)`);

      const syncs = fsyncs.delta();
      return judged(
        'store',
        {
          rows_per_s: round(rows.rate()),
          open_minute_rows: w.openRows,
          open_bytes: w.openBytes,
          wal_bytes: w.walBytes,
          wal_files: w.walFiles,
          fsync_avg_ms: syncs === 0 ? '-' : round(fsyncMs.delta() / syncs),
          segments: s.files,
          disk_bytes: s.bytes,
          disk_full_last_min: diskFull.delta(),
          write_errors_last_min: writeErrors.delta(),
          seal_waits_last_min: waits.delta(),
        },
        bad,
        warn,
      );
    },
  };
}

/** `3 disk full, 1 I/O errors in the last minute`; undefined when none in the last minute. */
function describeFailures(diskFull: number, errors: number): string | undefined {
  const parts: string[] = [];
  if (diskFull > 0) parts.push(`${diskFull} disk full`);
  if (errors > 0) parts.push(`${errors} I/O errors`);
  return parts.length === 0 ? undefined : `${parts.join(', ')} in the last minute`;
}
