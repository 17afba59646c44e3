import type { IncomingHttpHeaders } from 'node:http';
import type { CollectorStats, DeviceSnapshot } from '../../ingest/collector-stats.js';
import type { Users } from '../auth/users.js';
import { isLocalClient } from './admin-auth.js';
import { authenticate } from './auth.js';
import { type Handler, sendJson } from './respond.js';

/**
 * Who reads the status: everything for a process on this machine or an admin; otherwise only the
 * devices of the caller's tenant (none without credentials). Device names and exporter addresses
 * say who a tenant's routers are, which another tenant must not learn.
 */
export type StatusViewer =
  | { readonly all: true }
  | { readonly all: false; readonly tenant: string | undefined };

/** GET /api/v1/status: the server's phase and the stats of the store, collector and ingest API. */
export function serveStatus(status: (viewer: StatusViewer) => unknown, users: Users): Handler {
  return (req, res) =>
    sendJson(res, 200, status(statusViewer(req.raw.socket.remoteAddress, req.raw.headers, users)));
}

/** As the debug endpoints decide (admin-auth.ts): loopback without a proxy header, or an admin. */
export function statusViewer(
  remoteAddress: string | undefined,
  headers: IncomingHttpHeaders,
  users: Users,
): StatusViewer {
  if (isLocalClient(remoteAddress, headers)) return { all: true };
  if (headers.authorization === undefined) return { all: false, tenant: undefined };
  const principal = authenticate(headers.authorization, users);
  return users.isAdmin(principal.user) ? { all: true } : { all: false, tenant: principal.tenant };
}

/** The collector's stats as `viewer` may see them: other tenants' devices and refused exporters' addresses left out. */
export type VisibleCollectorStats = Omit<CollectorStats, 'refusedExporters'> & {
  readonly refusedExporters?: Record<string, number>;
  /** Exporters refused (their addresses are shown to admins and local clients only). */
  readonly refusedExporterCount: number;
};

export function visibleCollectorStats(stats: CollectorStats, viewer: StatusViewer): VisibleCollectorStats {
  const refusedExporterCount = Object.keys(stats.refusedExporters).length;
  if (viewer.all) return { ...stats, refusedExporterCount };
  const { refusedExporters: _hidden, ...rest } = stats;
  const devices: DeviceSnapshot[] = stats.devices.filter((d) => d.tenant === viewer.tenant);
  return { ...rest, devices, refusedExporterCount };
}
