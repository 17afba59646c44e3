import type { Socket } from 'node:net';
import { type SecureContext, TLSSocket } from 'node:tls';
import type { QueryEngine, QuerySession } from '../../query/api.js';
import { reportedSettings } from '../../query/compat/settings.js';
import type { Users } from '../auth/users.js';
import { authenticate, type ScramKeyCache } from './auth.js';
import {
  Auth,
  authentication,
  backendKeyData,
  negotiateProtocolVersion,
  parameterStatus,
  readyForQuery,
} from './backend-messages.js';
import type { CancelKeys } from './cancel-keys.js';
import type { PgServerConfig } from './config.js';
import { errorResponse, toWireError, type WireError, WireState } from './error-response.js';
import { ProtocolError } from './frame-reader.js';
import { decodeMessage, decodeStartup, type StartupMessage } from './frontend-messages.js';
import type { PgConnectionMetrics, PgMetrics } from './pg-metrics.js';
import { QueryProtocol } from './query-protocol.js';
import { startupSettings } from './startup-settings.js';
import { WireSocket } from './wire-socket.js';

export interface ConnectionContext {
  readonly engine: QueryEngine;
  readonly users: Users;
  readonly config: PgServerConfig;
  readonly secureContext: SecureContext | undefined;
  readonly scramKeys: ScramKeyCache;
  readonly cancelKeys: CancelKeys;
  readonly metrics: PgMetrics;
  /** Connections past authentication, including this one once it gets there. */
  readonly sessions: () => number;
  readonly onSession: (delta: 1 | -1) => void;
  /** Registers a live connection for shutdown; returns the unregister function. */
  readonly track: (ws: WireSocket) => () => void;
}

/** Serves one client from its first byte to its last; never throws. */
export async function serveConnection(socket: Socket, ctx: ConnectionContext): Promise<void> {
  const metrics = ctx.metrics.connection();
  const ws = new WireSocket(socket, ctx.config.maxMessageBytes, ctx.config.maxStartupBytes, metrics);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ws.destroy();
  }, ctx.config.authTimeoutMs);
  const untrack = ctx.track(ws);
  let counted = false;
  let authenticating = false;
  try {
    const startup = await startupMessage(ws, socket, ctx, metrics);
    if (startup === null) {
      if (timedOut) metrics.authFailed('timeout');
      return;
    }
    if (startup.minor > 0) {
      const unknown = [...startup.params.keys()].filter((k) => k.startsWith('_pq_.'));
      negotiateProtocolVersion(ws.writer, 0, unknown);
    }
    const user = startup.params.get('user');
    if (user === undefined || user === '') {
      metrics.authFailed('no_user');
      return fatal(ws, WireState.invalidAuthorization, 'no PostgreSQL user name specified in startup packet');
    }
    if (ctx.sessions() >= ctx.config.maxConnections)
      return fatal(ws, WireState.tooManyConnections, 'sorry, too many clients already');
    authenticating = true;
    const outcome = await authenticate(ws, user, ctx.users, ctx.config.auth, ctx.scramKeys);
    authenticating = false;
    if (outcome === null) {
      metrics.authFailed(timedOut ? 'timeout' : 'abandoned');
      return;
    }
    if (!outcome.ok) {
      metrics.authFailed('password');
      return fatal(ws, WireState.invalidPassword, outcome.reason);
    }
    const database = startup.params.get('database') || user;
    if (database !== ctx.config.database)
      return fatal(ws, WireState.invalidCatalogName, `database "${database}" does not exist`, {
        hint: `flowlens serves one database, "${ctx.config.database}".`,
      });
    const session: QuerySession = {
      ...outcome.principal,
      admin: ctx.users.isAdmin(outcome.principal.user),
      settings: startupSettings(startup.params),
    };
    clearTimeout(timer);
    counted = true;
    ctx.onSession(1);
    metrics.sessionStarted();
    await serveSession(ws, session, ctx, metrics);
  } catch (err) {
    if (authenticating) metrics.authFailed(timedOut ? 'timeout' : 'protocol');
    const error = toWireError(err);
    fatal(ws, error.code, error.message);
  } finally {
    clearTimeout(timer);
    untrack();
    if (counted) ctx.onSession(-1);
    // Before the close: a client that sees the connection end finds it counted.
    metrics.done();
    if (!ws.isClosed) ws.close();
  }
}

async function startupMessage(
  ws: WireSocket,
  socket: Socket,
  ctx: ConnectionContext,
  metrics: PgConnectionMetrics,
): Promise<Extract<StartupMessage, { kind: 'startup' }> | null> {
  let secured = false;
  for (;;) {
    const frame = await ws.nextFrame(true);
    if (frame === null) return null;
    const msg = decodeStartup(frame);
    switch (msg.kind) {
      case 'startup':
        return msg;
      case 'cancel':
        metrics.cancelRequest(ctx.cancelKeys.cancel(msg.pid, msg.secret));
        ws.destroy();
        return null;
      case 'gssenc':
        ws.writer.int8(0x4e).flush(); // 'N'
        break;
      case 'ssl': {
        // Bytes after SSLRequest and before the handshake would be read as if encrypted: refuse.
        if (ws.buffered > 0) throw new ProtocolError('received unencrypted data after SSL request', true);
        const willTls = ctx.secureContext !== undefined && !secured;
        ws.writer.int8(willTls ? 0x53 : 0x4e).flush(); // 'S' or 'N'
        if (willTls) {
          secured = true;
          metrics.startedTls();
          const tls = new TLSSocket(socket, { isServer: true, secureContext: ctx.secureContext });
          let handshake = false;
          tls.once('secure', () => {
            handshake = true;
            metrics.tlsHandshake(true);
          });
          tls.once('close', () => {
            if (!handshake) metrics.tlsHandshake(false);
          });
          ws.upgrade(tls);
        }
        break;
      }
    }
  }
}

async function serveSession(
  ws: WireSocket,
  session: QuerySession,
  ctx: ConnectionContext,
  metrics: PgConnectionMetrics,
): Promise<void> {
  const w = ws.writer;
  authentication(w, Auth.ok);
  for (const [name, value] of reportedSettings(session)) parameterStatus(w, name, value);
  const protocol = new QueryProtocol(ws, ctx.engine, session, metrics);
  const key = ctx.cancelKeys.register(() => protocol.cancel());
  try {
    // pg_backend_pid() reads it (a custom setting, as extensions' settings are named).
    session.settings.set('flowlens.backend_pid', String(key.pid));
    backendKeyData(w, key.pid, key.secret);
    readyForQuery(w, 'I');
    w.flush();
    for (;;) {
      const frame = await ws.nextFrame(false);
      if (frame === null) return;
      let message: ReturnType<typeof decodeMessage>;
      try {
        message = decodeMessage(frame);
      } catch (err) {
        if (err instanceof ProtocolError && !err.fatal) {
          protocol.malformed(frame.type, err);
          continue;
        }
        throw err;
      }
      if (!(await protocol.handle(message))) return;
    }
  } finally {
    ctx.cancelKeys.unregister(key.pid);
  }
}

export function fatal(ws: WireSocket, code: string, message: string, extra: Partial<WireError> = {}): void {
  if (ws.isClosed) return;
  errorResponse(ws.writer, { severity: 'FATAL', code, message, ...extra });
  ws.close();
}
