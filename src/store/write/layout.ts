import { join } from 'node:path';

/**
 * Where the store keeps its files (shared with the segment, catalog and compaction code):
 *
 *   DATA/store/<tenant>/wal/<startLsn 16 hex digits>.wal           write-ahead log, one series per tenant
 *   DATA/store/<tenant>/<yyyy>/<mm>/<dd>/<hhmm>.seg                a sealed minute (UTC)
 *   DATA/store/<tenant>/<yyyy>/<mm>/<dd>/<hhmm>.late-<lsn>.seg     late rows of that minute, sealed later
 *                                                                  (<lsn>: the segment's walLsn, 16 hex digits)
 *   *.tmp                                                          a segment being written; removed at start
 *
 * Tenant names are encoded for paths: [A-Za-z0-9_-] kept, every other byte of the UTF-8 name as
 * %XX (so '.', '..', '/' and 'wal' cannot collide with anything); `decodeTenant` reverses it.
 */

export function storeDir(dataDir: string): string {
  return join(dataDir, 'store');
}

export function encodeTenant(tenant: string): string {
  if (tenant === '') throw new Error('empty tenant name');
  let out = '';
  for (const byte of Buffer.from(tenant, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

export function decodeTenant(dirName: string): string {
  return decodeURIComponent(dirName);
}

export function tenantDir(dataDir: string, tenant: string): string {
  return join(storeDir(dataDir), encodeTenant(tenant));
}

export function walDir(dataDir: string, tenant: string): string {
  return join(tenantDir(dataDir, tenant), 'wal');
}

export function lsnHex(lsn: number): string {
  return lsn.toString(16).padStart(16, '0');
}

export function walFileName(startLsn: number): string {
  return `${lsnHex(startLsn)}.wal`;
}

/** The start LSN in a WAL file name, or undefined for anything else. */
export function parseWalFileName(name: string): number | undefined {
  const m = /^([0-9a-f]{16})\.wal$/.exec(name);
  return m === null ? undefined : Number.parseInt(m[1]!, 16);
}

/** Folder of a minute's segments. */
export function minuteDir(dataDir: string, tenant: string, minute: number): string {
  const d = new Date(minute);
  const two = (n: number) => String(n).padStart(2, '0');
  return join(
    tenantDir(dataDir, tenant),
    String(d.getUTCFullYear()),
    two(d.getUTCMonth() + 1),
    two(d.getUTCDate()),
  );
}

function hhmm(minute: number): string {
  const d = new Date(minute);
  return `${String(d.getUTCHours()).padStart(2, '0')}${String(d.getUTCMinutes()).padStart(2, '0')}`;
}

/** The main segment of a sealed minute. */
export function minuteSegmentPath(dataDir: string, tenant: string, minute: number): string {
  return join(minuteDir(dataDir, tenant, minute), `${hhmm(minute)}.seg`);
}

/** A late segment of a minute, named by its walLsn (unique per tenant). */
export function lateSegmentPath(dataDir: string, tenant: string, minute: number, walLsn: number): string {
  return join(minuteDir(dataDir, tenant, minute), `${hhmm(minute)}.late-${lsnHex(walLsn)}.seg`);
}
