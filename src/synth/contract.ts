/**
 * The synthetic monitoring contract (issue 7): what a test is, what its run yields, and how the
 * probes, the scheduler, the agent and the server meet. Probes (ping, trace: src/synth/icmp and
 * src/synth/ping, src/synth/trace; http, dns, tcp: src/synth/probes) implement `Probe`; the
 * scheduler (src/synth/agent) runs them on their intervals; results travel to the server as
 * `TestResult`s and are stored as rows of the `synth_<type>` tables (src/synth/tables.ts).
 */

export type TestType = 'ping' | 'trace' | 'http' | 'dns' | 'tcp';

interface TestBase {
  /** Stable id given by the server (or 'adhoc' for `flowlens synth run`). */
  readonly id: string;
  readonly type: TestType;
  /** Host name or address (ping, trace, tcp, dns: the name to resolve is in `name`). */
  readonly target: string;
  /** Seconds between runs (scheduler). */
  readonly intervalS: number;
  /** Whole-run deadline in ms. */
  readonly timeoutMs: number;
  /** Address family to resolve `target` to; default: whatever the name resolves to first. */
  readonly family?: 4 | 6;
}

export interface PingSpec extends TestBase {
  readonly type: 'ping';
  readonly count: number;
  /** Between the probes of one run. */
  readonly packetIntervalMs: number;
  /** ICMP payload bytes. */
  readonly size: number;
  /** How long each request waits for its reply (default: until the run's deadline `timeoutMs`). */
  readonly probeTimeoutMs?: number;
}

export interface TraceSpec extends TestBase {
  readonly type: 'trace';
  readonly protocol: 'udp' | 'icmp';
  readonly maxHops: number;
  readonly probesPerHop: number;
  /** UDP: the first destination port (traceroute's 33434), incremented per probe. */
  readonly port: number;
  /** How long each probe waits for its answer (default 5000, traceroute's -w); never past `timeoutMs`. */
  readonly probeTimeoutMs?: number;
}

export interface HttpSpec extends TestBase {
  readonly type: 'http';
  /** The URL; `target` repeats its host. */
  readonly url: string;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  /** Expected status (default: any 2xx/3xx). */
  readonly expectStatus?: number;
  /** A regular expression the body must match. */
  readonly bodyMatch?: string;
  /** PEM CA to trust (self-signed test servers); `insecure` skips verification. */
  readonly ca?: string;
  readonly insecure?: boolean;
}

export interface DnsSpec extends TestBase {
  readonly type: 'dns';
  /** `target` is the server address; `name` the name queried. */
  readonly name: string;
  readonly recordType: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
}

export interface TcpSpec extends TestBase {
  readonly type: 'tcp';
  readonly port: number;
}

export type TestSpec = PingSpec | TraceSpec | HttpSpec | DnsSpec | TcpSpec;

/** What every result carries. `error` is a stable code ('timeout', 'refused', 'dns_failed', …). */
export interface ResultBase {
  readonly testId: string;
  readonly type: TestType;
  readonly target: string;
  /** The address actually probed ('' when resolution failed). */
  readonly address: string;
  /** Start of the run, ms since the epoch. */
  readonly time: number;
  readonly ok: boolean;
  readonly error: string;
}

export interface PingResult extends ResultBase {
  readonly type: 'ping';
  readonly sent: number;
  readonly received: number;
  readonly lossPct: number;
  /** Milliseconds, NaN when nothing came back. */
  readonly rttMinMs: number;
  readonly rttAvgMs: number;
  readonly rttMaxMs: number;
  readonly rttStddevMs: number;
  /** Mean absolute difference of consecutive RTTs (of probes that came back, in order). */
  readonly jitterMs: number;
  /** Each probe's RTT in send order, NaN for a lost one. */
  readonly rttsMs: readonly number[];
}

export interface TraceHop {
  readonly ttl: number;
  /** One entry per probe: the address that answered ('' if none) and the RTT (NaN if none). */
  readonly probes: readonly { readonly address: string; readonly rttMs: number }[];
  readonly lossPct: number;
}

export interface TraceResult extends ResultBase {
  readonly type: 'trace';
  readonly protocol: 'udp' | 'icmp';
  readonly hops: readonly TraceHop[];
  /** Whether the destination answered (port unreachable / echo reply). */
  readonly reached: boolean;
}

export interface HttpResult extends ResultBase {
  readonly type: 'http';
  readonly status: number;
  readonly sizeBytes: number;
  /** Phase durations in ms (NaN when the phase did not happen, e.g. TLS over http://). */
  readonly dnsMs: number;
  readonly connectMs: number;
  readonly tlsMs: number;
  readonly ttfbMs: number;
  readonly transferMs: number;
  readonly totalMs: number;
  readonly tlsVersion: string;
  /** Certificate notAfter, ms since the epoch (NaN without TLS). */
  readonly certExpiry: number;
  readonly bodyMatched: boolean;
}

export interface DnsResult extends ResultBase {
  readonly type: 'dns';
  /** RCODE name: NOERROR, NXDOMAIN, SERVFAIL, … ('' when no answer). */
  readonly rcode: string;
  readonly answers: readonly string[];
  readonly latencyMs: number;
}

export interface TcpResult extends ResultBase {
  readonly type: 'tcp';
  readonly latencyMs: number;
}

export type TestResult = PingResult | TraceResult | HttpResult | DnsResult | TcpResult;

/** A run started by `Probe.start`: `abort()` ends it early (its result then says 'aborted'). */
export interface RunHandle {
  abort(): void;
}

/** Runs one test once. Never rejects: failures are results with ok false and an error code. */
export interface Probe<S extends TestSpec, R extends TestResult> {
  run(spec: S, signal: AbortSignal): Promise<R>;
  /**
   * The same run without a promise or an AbortSignal, for the scheduler's thousands of runs a
   * second (ping has it): `done` is called exactly once, possibly before `start` returns, with a
   * result whose `time` is the `time` given.
   */
  start?(spec: S, time: number, done: (result: R) => void): RunHandle;
}
