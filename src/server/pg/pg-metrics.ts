import type { Counter } from '../../metrics/counter.js';
import type { Gauge } from '../../metrics/gauge.js';
import type { Histogram } from '../../metrics/histogram.js';
import type { Registry } from '../../metrics/registry.js';
import type { WireTap } from './wire-writer.js';

export type PgProtocol = 'simple' | 'extended';

/**
 * Why a client did not get past authentication: a wrong password or unknown user (28P01), no user
 * name in the startup packet (28000), the SASL exchange malformed (08P01), the auth timeout, or the
 * client went away in the middle (psql does so once when it must prompt for a password).
 */
export type PgAuthFailure = 'password' | 'no_user' | 'protocol' | 'timeout' | 'abandoned';

/** Where a connection was when a protocol error (SQLSTATE class 08) was sent. */
export type PgPhase = 'startup' | 'session';

const authFailures: readonly PgAuthFailure[] = ['password', 'no_user', 'protocol', 'timeout', 'abandoned'];
const sqlstatePattern = /^[0-9A-Z]{5}$/;
/** Distinct SQLSTATEs whose counters are cached here (the registry bounds the tag values anyway). */
const maxCachedCodes = 200;

interface ByTls<T> {
  readonly plain: T;
  readonly tls: T;
}

/**
 * The PostgreSQL wire server's metrics (docs/metrics.md), obtained once when the server is
 * created. Each connection gets a PgConnectionMetrics that moves its gauges as it goes.
 */
export class PgMetrics {
  readonly accepted: Counter;
  readonly open: ByTls<Gauge>;
  readonly tlsHandshakes: { readonly ok: Counter; readonly failed: Counter };
  readonly sessionsStarted: ByTls<Counter>;
  readonly sessionsOpen: ByTls<Gauge>;
  readonly sessionSeconds: Histogram;
  readonly authFailures: Readonly<Record<PgAuthFailure, Counter>>;
  readonly protocolErrors: Readonly<Record<PgPhase, Counter>>;
  readonly statements: Readonly<Record<PgProtocol, Counter>>;
  readonly rowsSent: Counter;
  readonly cancels: { readonly matched: Counter; readonly unmatched: Counter };
  readonly receivedBytes: Counter;
  readonly sentBytes: Counter;
  private readonly errors = new Map<string, Counter>();

  constructor(private readonly registry: Registry) {
    const r = registry;
    const byTls = <T>(make: (tls: string) => T): ByTls<T> => ({ plain: make('false'), tls: make('true') });
    this.accepted = r.counter('flowlens_pg_connections_accepted_total', undefined, {
      help: 'TCP connections accepted by the PostgreSQL wire server (CancelRequests included)',
    });
    this.open = byTls((tls) =>
      r.gauge(
        'flowlens_pg_connections_open',
        { tls },
        {
          help: 'PostgreSQL connections being served now; tls="true" once the client asked for TLS and got it',
        },
      ),
    );
    const handshake = (result: string) =>
      r.counter(
        'flowlens_pg_tls_handshakes_total',
        { result },
        { help: 'TLS handshakes after an SSLRequest: ok, or failed (a bad certificate, a client gone)' },
      );
    this.tlsHandshakes = { ok: handshake('ok'), failed: handshake('failed') };
    this.sessionsStarted = byTls((tls) =>
      r.counter(
        'flowlens_pg_sessions_started_total',
        { tls },
        { help: 'PostgreSQL connections that passed authentication, by transport' },
      ),
    );
    this.sessionsOpen = byTls((tls) =>
      r.gauge(
        'flowlens_pg_sessions_open',
        { tls },
        { help: 'PostgreSQL sessions past authentication now, by transport' },
      ),
    );
    this.sessionSeconds = r.histogram('flowlens_pg_session_duration_seconds', undefined, {
      help: 'How long PostgreSQL sessions lasted, from authentication to disconnection',
    });
    this.authFailures = Object.fromEntries(
      authFailures.map((reason) => [
        reason,
        r.counter(
          'flowlens_pg_auth_failures_total',
          { reason },
          {
            help: 'PostgreSQL clients refused at authentication: password (28P01), no_user (28000), protocol (bad SASL exchange), timeout, abandoned (client left mid-exchange)',
          },
        ),
      ]),
    ) as Record<PgAuthFailure, Counter>;
    const protocolError = (phase: PgPhase) =>
      r.counter(
        'flowlens_pg_protocol_errors_total',
        { phase },
        {
          help: 'Protocol errors (SQLSTATE class 08, e.g. 08P01) sent to PostgreSQL clients: before the session began (startup, authentication) or during it',
        },
      );
    this.protocolErrors = { startup: protocolError('startup'), session: protocolError('session') };
    const statements = (protocol: PgProtocol) =>
      r.counter(
        'flowlens_pg_statements_total',
        { protocol },
        {
          help: 'Statements run for PostgreSQL clients, by protocol: simple (Query) or extended (Parse/Bind/Execute)',
        },
      );
    this.statements = { simple: statements('simple'), extended: statements('extended') };
    this.rowsSent = r.counter('flowlens_pg_sent_rows_total', undefined, {
      help: 'Result rows (DataRow messages) sent to PostgreSQL clients',
    });
    const cancel = (result: string) =>
      r.counter(
        'flowlens_pg_cancel_requests_total',
        { result },
        { help: 'CancelRequests received: matched a live session (its query aborted), or unmatched' },
      );
    this.cancels = { matched: cancel('matched'), unmatched: cancel('unmatched') };
    this.receivedBytes = r.counter('flowlens_pg_received_bytes_total', undefined, {
      help: 'Protocol bytes received from PostgreSQL clients (after TLS decryption)',
    });
    this.sentBytes = r.counter('flowlens_pg_sent_bytes_total', undefined, {
      help: 'Protocol bytes sent to PostgreSQL clients (before TLS encryption)',
    });
    // Registered up front, so the family is exported (with its help) before the first error.
    this.errorCounter('XX000');
  }

  /** The metrics of one new connection (counts it accepted). */
  connection(): PgConnectionMetrics {
    return new PgConnectionMetrics(this);
  }

  /** The clock of durations (the registry's, so tests drive it). */
  now(): number {
    return this.registry.durationClock.now();
  }

  errorSent(code: string, phase: PgPhase): void {
    this.errorCounter(sqlstatePattern.test(code) ? code : 'other').inc();
    if (code.startsWith('08')) this.protocolErrors[phase].inc();
  }

  private errorCounter(code: string): Counter {
    let counter = this.errors.get(code);
    if (counter !== undefined) return counter;
    counter = this.registry.counter(
      'flowlens_pg_errors_total',
      { code },
      { help: 'ErrorResponses sent to PostgreSQL clients, by SQLSTATE (ERROR and FATAL)' },
    );
    if (this.errors.size < maxCachedCodes) this.errors.set(code, counter);
    return counter;
  }
}

/** One connection's share: it moves the open gauges and counts its bytes and errors. */
export class PgConnectionMetrics implements WireTap {
  private tls = false;
  private inSession = false;
  private sessionStart = 0;
  private closed = false;

  constructor(private readonly m: PgMetrics) {
    m.accepted.inc();
    m.open.plain.inc();
  }

  bytesReceived(n: number): void {
    this.m.receivedBytes.inc(n);
  }

  bytesSent(n: number): void {
    this.m.sentBytes.inc(n);
  }

  errorSent(code: string): void {
    this.m.errorSent(code, this.inSession ? 'session' : 'startup');
  }

  /** The client asked for TLS and the handshake begins. */
  startedTls(): void {
    if (this.tls || this.closed) return;
    this.tls = true;
    this.m.open.plain.dec();
    this.m.open.tls.inc();
  }

  tlsHandshake(ok: boolean): void {
    (ok ? this.m.tlsHandshakes.ok : this.m.tlsHandshakes.failed).inc();
  }

  authFailed(reason: PgAuthFailure): void {
    this.m.authFailures[reason].inc();
  }

  cancelRequest(matched: boolean): void {
    (matched ? this.m.cancels.matched : this.m.cancels.unmatched).inc();
  }

  sessionStarted(): void {
    this.inSession = true;
    this.sessionStart = this.m.now();
    (this.tls ? this.m.sessionsStarted.tls : this.m.sessionsStarted.plain).inc();
    (this.tls ? this.m.sessionsOpen.tls : this.m.sessionsOpen.plain).inc();
  }

  statement(protocol: PgProtocol): void {
    this.m.statements[protocol].inc();
  }

  rowsSent(n: number): void {
    this.m.rowsSent.inc(n);
  }

  /** The connection is done (idempotent). */
  done(): void {
    if (this.closed) return;
    this.closed = true;
    (this.tls ? this.m.open.tls : this.m.open.plain).dec();
    if (!this.inSession) return;
    (this.tls ? this.m.sessionsOpen.tls : this.m.sessionsOpen.plain).dec();
    this.m.sessionSeconds.update((this.m.now() - this.sessionStart) / 1000);
  }
}
