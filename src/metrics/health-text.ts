import type { HealthReport } from './health.js';

/**
 * The health report as the health socket prints it: the process, then one line per component
 * (`name STATUS key=value …`), each reason on its own line below, prefixed with `!`:
 *
 *   flowlens server
 *   version:  0.1.0
 *   commit:   0a96662e… (built 2025-11-21T11:42:00.000Z)
 *   node:     v20.20.2
 *   os:       Linux 6.1.0-18-amd64 x64, host db1
 *   pid:      4242
 *   uptime:   1h02m03s, since 2025-11-21T10:40:00.000Z
 *   memory:   rss 120.3 MiB, heap 40.1 of 60.0 MiB
 *   status:   BAD
 *   server      GOOD  phase=ready pg_sessions=2
 *   store       BAD   rows_per_s=0 open_minute_rows=1200 wal_bytes=123456 …
 *     ! the last write failed (3 disk full in the last minute) and none has succeeded since
 */
export function formatHealthText(report: HealthReport): string {
  const p = report.process;
  const lines = [
    p.name,
    `version:  ${p.version}`,
    `commit:   ${p.commit} (built ${p.buildTime})`,
    `node:     ${p.node}`,
    `os:       ${p.os} ${p.kernel} ${p.arch}, host ${p.hostname}`,
    `pid:      ${p.pid}`,
    `uptime:   ${duration(p.uptimeSeconds)}, since ${p.startedAt}`,
    `memory:   rss ${mib(p.memory.rssBytes)}, heap ${mib(p.memory.heapUsedBytes, false)} of ${mib(p.memory.heapTotalBytes)}`,
    `status:   ${report.status}`,
  ];
  const width = Math.max(10, ...report.components.map((c) => c.name.length));
  for (const c of report.components) {
    const values = Object.entries(c.values).map(([k, v]) => `${k}=${v}`);
    lines.push(`${c.name.padEnd(width)}  ${c.status.padEnd(4)}  ${values.join(' ')}`.trimEnd());
    for (const reason of c.reasons) lines.push(`  ! ${reason}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `3d04h05m06s`, `1h02m03s`, `4m05s`, `7s`. */
export function duration(seconds: number): string {
  const d = Math.floor(seconds / 86_400);
  const h = Math.floor((seconds % 86_400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  const two = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d${two(h)}h${two(m)}m${two(s)}s`;
  if (h > 0) return `${h}h${two(m)}m${two(s)}s`;
  if (m > 0) return `${m}m${two(s)}s`;
  return `${s}s`;
}

function mib(bytes: number, unit = true): string {
  return `${(bytes / 1048576).toFixed(1)}${unit ? ' MiB' : ''}`;
}
