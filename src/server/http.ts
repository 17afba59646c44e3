import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { RateLimitedErrorLog } from '../log/rate-limited.js';
import type { LogTarget } from '../log/sink.js';
import { Registry } from '../metrics/registry.js';
import { listen } from '../util/listen.js';
import { HttpMetrics, type RouteMetrics } from './http/http-metrics.js';
import { HttpError, sendError } from './http/respond.js';
import type { Mount, Route } from './http/routes.js';

/**
 * The HTTP API server: node:http and a table of routes (src/server/http/routes.ts), exact paths
 * or templates with `{name}` segments (their values in `req.params`), no framework. Every error answers `{"error": {"code", "message"}}`; a handler that throws something
 * other than an HttpError gets a 500 and a rate-limited log line, and the server keeps serving.
 */

export interface HttpConfig {
  /** 0 disables the server. */
  port: number;
  /** Loopback by default: Basic credentials are clear text and there is no TLS (docs/rest.md). */
  listen: string;
}

export const defaultHttpConfig: HttpConfig = { port: 8080, listen: '127.0.0.1' };

export interface HttpDeps {
  routes: readonly Route[];
  /** Paths served with everything under them (after the exact routes): /healthz, /debug. */
  mounts?: readonly Mount[];
  log: LogTarget;
  /** Where the server's metrics go (docs/metrics.md); a throwaway registry when absent. */
  metrics?: Registry;
}

export class HttpServer {
  private readonly server: Server;
  private readonly byPath = new Map<string, Route[]>();
  private readonly templates: {
    readonly pattern: RegExp;
    readonly names: string[];
    readonly routes: Route[];
  }[] = [];
  private readonly errorLog: RateLimitedErrorLog;
  private closing = false;
  private readonly mounts: readonly Mount[];
  private readonly metrics: HttpMetrics;

  constructor(
    deps: HttpDeps,
    readonly config: HttpConfig,
  ) {
    for (const route of deps.routes)
      this.byPath.set(route.path, [...(this.byPath.get(route.path) ?? []), route]);
    for (const [path, routes] of this.byPath) {
      if (!path.includes('{')) continue;
      this.byPath.delete(path);
      this.templates.push({ ...pathTemplate(path), routes });
    }
    this.errorLog = new RateLimitedErrorLog(deps.log);
    this.mounts = deps.mounts ?? [];
    this.metrics = new HttpMetrics(deps.metrics ?? new Registry(), deps.routes, this.mounts);
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', (socket) => this.metrics.connection(socket));
  }

  async start(): Promise<void> {
    if (this.config.port === 0) return;
    await listen(this.server, this.config.port, this.config.listen);
  }

  /**
   * Stops accepting, lets requests in flight finish (their acknowledgements), closes idle sockets;
   * connections still busy after `graceMs` are cut.
   */
  async stop(graceMs = 5_000): Promise<void> {
    if (!this.server.listening) return;
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    const timer = setTimeout(() => this.server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(timer);
    this.errorLog.flush();
  }

  /** `http 127.0.0.1:8080`, for the start-up banner; undefined when disabled. */
  describe(): string | undefined {
    const address = this.server.address() as AddressInfo | null;
    return address === null ? undefined : `http ${address.address}:${address.port}`;
  }

  private async handle(raw: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const startedAt = this.metrics.unmatched.duration.start();
    let metrics = this.metrics.unmatched;
    this.metrics.active.inc();
    res.once('close', () => this.metrics.finished(metrics, res, startedAt));
    // While stopping, every answer ends its connection, so keep-alive clients let go.
    if (this.closing) res.setHeader('connection', 'close');
    try {
      const url = new URL(raw.url ?? '/', 'http://localhost');
      let params: Record<string, string> = {};
      let routes = this.byPath.get(url.pathname);
      if (routes === undefined) [routes, params] = this.templateOf(url.pathname);
      if (routes === undefined) {
        const mount = this.mountOf(url.pathname);
        if (mount === undefined) throw new HttpError(404, 'not_found', `no route ${url.pathname}`);
        metrics = this.metrics.mount(mount);
        await mount.handler({ raw, url, receivedAt }, res);
        return;
      }
      const route = routes.find((r) => r.method === raw.method);
      if (route === undefined) {
        const allow = routes.map((r) => r.method).join(', ');
        throw new HttpError(405, 'method_not_allowed', `${url.pathname} accepts ${allow}`, {}, { allow });
      }
      metrics = this.metrics.route(route);
      await route.handler({ raw, url, receivedAt, params }, res);
    } catch (err) {
      this.fail(raw, res, err, metrics);
    }
  }

  private templateOf(path: string): [Route[] | undefined, Record<string, string>] {
    for (const t of this.templates) {
      const m = t.pattern.exec(path);
      if (m === null) continue;
      try {
        return [
          t.routes,
          Object.fromEntries(t.names.map((name, i) => [name, decodeURIComponent(m[i + 1]!)])),
        ];
      } catch {
        throw new HttpError(400, 'bad_path', `${path}: a path segment is not valid percent-encoding`);
      }
    }
    return [undefined, {}];
  }

  private mountOf(path: string): Mount | undefined {
    return this.mounts.find((m) => path === m.path || path.startsWith(`${m.path}/`));
  }

  private fail(raw: IncomingMessage, res: ServerResponse, err: unknown, metrics: RouteMetrics): void {
    // The client went away mid-request: nobody to answer, nothing to log.
    if (raw.socket.destroyed && !(err instanceof HttpError)) {
      res.destroy();
      return;
    }
    let error: HttpError;
    if (err instanceof HttpError) error = err;
    else {
      this.errorLog.error('http_internal', err instanceof Error ? err.message : String(err), {
        method: raw.method,
        path: raw.url?.split('?')[0],
        stack: err instanceof Error ? err.stack : undefined,
      });
      error = new HttpError(500, 'internal', 'internal error (logged by the server)');
    }
    this.metrics.errorSent(metrics, error, raw.headers.authorization);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    if ((err as { closeConnection?: boolean }).closeConnection === true) {
      res.setHeader('connection', 'close');
      res.once('finish', () => raw.socket.destroy());
    }
    sendError(res, error);
  }
}

/** `/a/{id}/b` → a pattern matching one non-empty segment per `{name}`. */
function pathTemplate(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split('/')
    .map((segment) => {
      const m = /^\{(\w+)\}$/.exec(segment);
      if (m === null) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(m[1]!);
      return '([^/]+)';
    })
    .join('/');
  return { pattern: new RegExp(`^${source}$`), names };
}

export function createHttpServer(deps: HttpDeps, config: Partial<HttpConfig> = {}): HttpServer {
  return new HttpServer(deps, { ...defaultHttpConfig, ...config });
}
