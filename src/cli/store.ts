import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Catalog } from '../store/catalog/catalog.js';
import { type TenantUsage, tenantUsage } from '../store/catalog/inspect.js';
import { scanDataDir } from '../store/catalog/scan.js';
import { storeDir } from '../store/write/layout.js';

const help = `Usage: flowlens store inspect --data DIR [--format text|json]

Prints what the embedded store holds in DIR, without changing anything: per tenant the devices,
minutes, rows, bytes on disk per column, compression ratio, files by kind, rollups, quarantined
segments (failed checksums) and WAL bytes. Segments that fail to open are listed as corrupt.
`;

export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    process.stdout.write(help);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'inspect') {
    process.stderr.write(`flowlens store: unknown subcommand "${sub}"\n${help}`);
    return 2;
  }
  let values: { data?: string | undefined; format?: string | undefined; help?: boolean | undefined };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        data: { type: 'string' },
        format: { type: 'string', default: 'text' },
        help: { type: 'boolean' },
      },
    }));
  } catch (err) {
    process.stderr.write(`flowlens store inspect: ${(err as Error).message}\n`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(help);
    return 0;
  }
  if (values.data === undefined || (values.format !== 'text' && values.format !== 'json')) {
    process.stderr.write(`flowlens store inspect: --data DIR is required and --format is text or json\n`);
    return 2;
  }
  const data = resolve(values.data);
  if (!existsSync(storeDir(data))) {
    process.stderr.write(`flowlens store inspect: no store in ${data} (expected ${storeDir(data)})\n`);
    return 1;
  }
  const catalog = new Catalog();
  const report = await scanDataDir(data, catalog, { readOnly: true });
  const tenants: TenantUsage[] = [];
  for (const tenant of catalog.tenantNames()) tenants.push(await tenantUsage(data, catalog, tenant));
  const corrupt = report.corrupt.map((c) => ({ tenant: c.tenant, path: c.path, error: c.error.message }));
  if (values.format === 'json') {
    process.stdout.write(
      `${JSON.stringify({ data, tenants, corrupt, temporaryFiles: report.removedTemp }, null, 2)}\n`,
    );
  } else {
    process.stdout.write(formatText(data, tenants, corrupt, report.removedTemp));
  }
  return corrupt.length > 0 ? 1 : 0;
}

const iso = (t: number | undefined): string =>
  t === undefined ? '-' : new Date(t).toISOString().slice(0, 16);

function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1 << 20) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1 << 30) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  return `${(bytes / (1 << 30)).toFixed(2)} GiB`;
}

function formatText(
  data: string,
  tenants: readonly TenantUsage[],
  corrupt: readonly { path: string; error: string }[],
  temporary: number,
): string {
  const lines = [`store ${data}: ${tenants.length} tenant(s)`];
  for (const t of tenants) {
    lines.push(
      '',
      `tenant ${t.tenant}`,
      `  rows ${t.rows}, minutes ${t.minutes} (${iso(t.firstMinute)} .. ${iso(t.lastMinute)}), devices ${t.devices.length}`,
      `  on disk ${size(t.bytes)} (${t.bytesPerFlow.toFixed(2)} B/flow), decoded ${size(t.rawBytes)}, ratio ${t.compressionRatio.toFixed(1)}x`,
      `  files ${Object.entries(t.files)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
      `  rollup rows: hour ${t.rollupRows.hour}, day ${t.rollupRows.day}`,
      `  wal ${t.walFiles} file(s), ${size(t.walBytes)}`,
      `  quarantined ${t.quarantined.length}${t.quarantined.map((q) => `\n    ${q}`).join('')}`,
      '  devices:',
    );
    for (const d of t.devices) {
      lines.push(
        `    ${String(d.id).padStart(6)}  rows ${d.rows}, minutes ${d.minutes} (${iso(d.firstMinute)} .. ${iso(d.lastMinute)})`,
      );
    }
    lines.push('  columns (on disk / decoded):');
    for (const c of t.columns) {
      if (c.bytes === 0) continue;
      lines.push(`    ${c.name.padEnd(24)} ${size(c.bytes).padStart(10)} / ${size(c.rawBytes).padStart(10)}`);
    }
  }
  if (corrupt.length > 0) {
    lines.push('', `corrupt segments (${corrupt.length}): the server quarantines them at start`);
    for (const c of corrupt) lines.push(`  ${c.path}: ${c.error}`);
  }
  if (temporary > 0)
    lines.push('', `${temporary} temporary file(s) of interrupted writes (removed at start)`);
  return `${lines.join('\n')}\n`;
}
