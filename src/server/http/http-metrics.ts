import type { ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Counter } from '../../metrics/counter.js';
import type { Gauge } from '../../metrics/gauge.js';
import type { Registry } from '../../metrics/registry.js';
import type { Timer } from '../../metrics/timer.js';
import type { HttpError } from './respond.js';
import type { Mount, Route } from './routes.js';

/** The route tag of a request that matched no route (an unknown path, or a method the path does not accept). */
export const unmatchedRoute = 'unmatched';

/** Why a request was refused for its credentials (from the error it was answered with). */
export type HttpAuthFailure =
  | 'missing_credentials'
  | 'malformed_credentials'
  | 'bad_password'
  | 'bad_token'
  | 'not_admin'
  | 'forbidden_tenant';

const requestsHelp =
  'HTTP requests answered, by route (operationId, mount name, or unmatched) and status code (aborted: the client went away before the answer)';
const errorsHelp =
  'HTTP errors by route and the code of their JSON error (a SQLSTATE for queries, else the API code: not_found, bad_request, internal, …), counted also when the answer had begun and the connection was cut instead';

/** One route's metrics; the per-status and per-code counters are created when first needed. */
export class RouteMetrics {
  readonly duration: Timer;
  private readonly byStatus = new Map<number, Counter>();
  private aborted: Counter | undefined;
  private readonly errors = new Map<string, Counter>();

  constructor(
    private readonly registry: Registry,
    readonly route: string,
  ) {
    this.duration = registry.timer(
      'flowlens_http_request_seconds',
      { route },
      { help: 'HTTP request durations by route, from the request to the last byte of the answer' },
    );
  }

  answered(status: number): void {
    let counter = this.byStatus.get(status);
    if (counter === undefined) {
      counter = this.requests(String(status));
      // Statuses are what the server sends: a handful; the bound is a guard.
      if (this.byStatus.size < 100) this.byStatus.set(status, counter);
    }
    counter.inc();
  }

  abandoned(): void {
    this.aborted ??= this.requests('aborted');
    this.aborted.inc();
  }

  error(code: string): void {
    let counter = this.errors.get(code);
    if (counter === undefined) {
      counter = this.registry.counter(
        'flowlens_http_errors_total',
        { route: this.route, code },
        { help: errorsHelp },
      );
      if (this.errors.size < 200) this.errors.set(code, counter);
    }
    counter.inc();
  }

  private requests(status: string): Counter {
    return this.registry.counter(
      'flowlens_http_requests_total',
      { route: this.route, status },
      { help: requestsHelp },
    );
  }
}

/**
 * The HTTP API server's metrics (docs/metrics.md), obtained once when the server is created:
 * per route a request timer, requests by status and errors by code; connections; auth failures.
 */
export class HttpMetrics {
  readonly accepted: Counter;
  readonly open: Gauge;
  readonly active: Gauge;
  readonly unmatched: RouteMetrics;
  private readonly byRoute = new Map<Route, RouteMetrics>();
  private readonly byMount = new Map<Mount, RouteMetrics>();
  private readonly authFailures = new Map<HttpAuthFailure, Counter>();

  constructor(
    private readonly registry: Registry,
    routes: readonly Route[],
    mounts: readonly Mount[],
  ) {
    this.accepted = registry.counter('flowlens_http_connections_accepted_total', undefined, {
      help: 'TCP connections accepted by the HTTP API server',
    });
    this.open = registry.gauge('flowlens_http_connections_open', undefined, {
      help: 'HTTP API connections open now (keep-alive ones included)',
    });
    this.active = registry.gauge('flowlens_http_requests_active', undefined, {
      help: 'HTTP requests being handled now',
    });
    const named = new Map<string, RouteMetrics>();
    const of = (name: string) => {
      let m = named.get(name);
      if (m === undefined) {
        m = new RouteMetrics(registry, name);
        named.set(name, m);
      }
      return m;
    };
    for (const route of routes) this.byRoute.set(route, of(route.doc.operationId));
    for (const mount of mounts) this.byMount.set(mount, of(mountName(mount.path)));
    this.unmatched = of(unmatchedRoute);
  }

  /** Counts a connection and keeps the open gauge while it lasts. */
  connection(socket: Socket): void {
    this.accepted.inc();
    this.open.inc();
    socket.once('close', () => this.open.dec());
  }

  route(route: Route): RouteMetrics {
    return this.byRoute.get(route) ?? this.unmatched;
  }

  mount(mount: Mount): RouteMetrics {
    return this.byMount.get(mount) ?? this.unmatched;
  }

  /** Records the request when its response is done or its connection gone. */
  finished(route: RouteMetrics, res: ServerResponse, startedAt: number): void {
    this.active.dec();
    route.duration.stop(startedAt);
    if (res.writableFinished) route.answered(res.statusCode);
    else route.abandoned();
  }

  /** An error answered: counted by code, and as an auth failure when it is one. */
  errorSent(route: RouteMetrics, error: HttpError, authorization: string | undefined): void {
    route.error(error.code);
    const reason = authFailure(error, authorization);
    if (reason === undefined) return;
    let counter = this.authFailures.get(reason);
    if (counter === undefined) {
      counter = this.registry.counter(
        'flowlens_http_auth_failures_total',
        { reason },
        {
          help: 'HTTP requests refused for their credentials: missing_credentials, malformed_credentials (28000), bad_password, bad_token (28P01), not_admin (debug endpoints), forbidden_tenant',
        },
      );
      this.authFailures.set(reason, counter);
    }
    counter.inc();
  }
}

/** `/healthz` → healthz, `/debug` → debug. */
export function mountName(path: string): string {
  return path.replace(/^\/+/, '').replace(/[^A-Za-z0-9_]+/g, '_') || 'root';
}

/** The auth failure an error response stands for, if any (auth.ts, admin-auth.ts, tenant.ts). */
export function authFailure(
  error: HttpError,
  authorization: string | undefined,
): HttpAuthFailure | undefined {
  if (error.status === 403 && error.code === 'admin_required') return 'not_admin';
  if (error.status === 403 && error.code === 'forbidden_tenant') return 'forbidden_tenant';
  if (error.status !== 401) return undefined;
  if (error.code === '28P01') return /^\s*bearer\b/i.test(authorization ?? '') ? 'bad_token' : 'bad_password';
  if (error.code !== '28000') return undefined;
  return authorization === undefined || authorization.trim() === ''
    ? 'missing_credentials'
    : 'malformed_credentials';
}
