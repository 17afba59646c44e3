import { createServer, type Server, type Socket } from 'node:net';
import { createSecureContext } from 'node:tls';
import { Registry } from '../../metrics/registry.js';
import type { QueryEngine } from '../../query/api.js';
import { listen } from '../../util/listen.js';
import type { Users } from '../auth/users.js';
import { ScramKeyCache } from './auth.js';
import { CancelKeys } from './cancel-keys.js';
import { defaultPgServerConfig, type PgServerConfig } from './config.js';
import { type ConnectionContext, fatal, serveConnection } from './connection.js';
import { WireState } from './error-response.js';
import { PgMetrics } from './pg-metrics.js';
import type { WireSocket } from './wire-socket.js';

export interface PgServerDeps {
  readonly engine: QueryEngine;
  readonly users: Users;
  /** Where the server's metrics go (docs/metrics.md); a throwaway registry when absent. */
  readonly metrics?: Registry;
}

export interface PgServer {
  /** Listens; resolves with the bound port (useful with port 0). */
  start(): Promise<number>;
  /** Stops listening and closes every connection (running queries are aborted). */
  stop(): Promise<void>;
  /** Sessions past authentication right now. */
  readonly sessions: number;
}

/** The PostgreSQL wire protocol frontend. Creating it does no I/O; start() listens. */
export function createPgServer(deps: PgServerDeps, config: Partial<PgServerConfig> = {}): PgServer {
  const cfg: PgServerConfig = { ...defaultPgServerConfig, ...config };
  if ((cfg.tlsCert === undefined) !== (cfg.tlsKey === undefined))
    throw new Error('PostgreSQL TLS needs both a certificate and a key');
  let server: Server | undefined;
  let sessions = 0;
  const sockets = new Set<Socket>();
  const live = new Set<WireSocket>();
  let context: ConnectionContext | undefined;
  const metrics = new PgMetrics(deps.metrics ?? new Registry());

  const buildContext = (): ConnectionContext => ({
    engine: deps.engine,
    users: deps.users,
    config: cfg,
    secureContext:
      cfg.tlsCert === undefined ? undefined : createSecureContext({ cert: cfg.tlsCert, key: cfg.tlsKey }),
    scramKeys: new ScramKeyCache(cfg.scramIterations),
    cancelKeys: new CancelKeys(),
    metrics,
    sessions: () => sessions,
    onSession: (delta) => {
      sessions += delta;
    },
    track: (ws) => {
      live.add(ws);
      return () => live.delete(ws);
    },
  });

  return {
    get sessions() {
      return sessions;
    },
    async start() {
      if (server !== undefined) throw new Error('PostgreSQL server already started');
      context = buildContext();
      const ctx = context;
      const srv = createServer((socket) => {
        sockets.add(socket);
        socket.setNoDelay(true);
        socket.on('close', () => sockets.delete(socket));
        void serveConnection(socket, ctx);
      });
      server = srv;
      await listen(srv, cfg.port, cfg.host);
      const address = srv.address();
      return typeof address === 'object' && address !== null ? address.port : cfg.port;
    },
    async stop() {
      const srv = server;
      server = undefined;
      if (srv === undefined) return;
      const closed = new Promise<void>((resolve) => srv.close(() => resolve()));
      // As PostgreSQL does on a fast shutdown: tell each client why, then close.
      for (const ws of live)
        fatal(ws, WireState.adminShutdown, 'terminating connection due to administrator command');
      for (const socket of sockets) {
        if (socket.writableEnded && !socket.writableFinished) socket.once('finish', () => socket.destroy());
        else socket.destroy();
      }
      await closed;
    },
  };
}
