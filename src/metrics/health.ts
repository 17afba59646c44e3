import { arch, hostname, release, type } from 'node:os';
import type { BuildInfo } from './health-build.js';

/**
 * The health of a process: who it is (build, runtime) and one line per component with a status,
 * its queue depths and rates, and the reasons when it is not GOOD. The health socket prints it,
 * GET /healthz answers it as JSON (503 when a component is BAD). Components report through
 * HealthComponent; the rules each one applies are in its file (health-store.ts, …) and in
 * docs/operations.md.
 */

export type HealthStatus = 'GOOD' | 'WARN' | 'BAD';

export interface ComponentHealth {
  readonly name: string;
  readonly status: HealthStatus;
  /** Why the status is not GOOD, one sentence each (empty when GOOD). */
  readonly reasons: readonly string[];
  /** Queue depths, rates and counters, in display order. */
  readonly values: Readonly<Record<string, number | string>>;
}

/** A component's status source. `check` runs every sampleMs and on each request: keep it cheap. */
export interface HealthComponent {
  readonly name: string;
  check(now: number): ComponentHealth;
}

export interface ProcessHealth {
  readonly name: string;
  readonly version: string;
  readonly commit: string;
  readonly buildTime: string;
  readonly node: string;
  readonly os: string;
  readonly kernel: string;
  readonly arch: string;
  readonly hostname: string;
  readonly pid: number;
  readonly startedAt: string;
  readonly uptimeSeconds: number;
  readonly memory: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number };
}

export interface HealthReport {
  /** The worst status of the components. */
  readonly status: HealthStatus;
  readonly checkedAt: string;
  readonly process: ProcessHealth;
  readonly components: readonly ComponentHealth[];
}

export interface HealthConfig {
  /** How often the components are sampled between requests (their last-minute windows). */
  sampleMs: number;
}

export const defaultHealthConfig: HealthConfig = { sampleMs: 5_000 };

export interface HealthDeps {
  /** The process name printed first, e.g. `flowlens server`. */
  readonly name: string;
  readonly build: BuildInfo;
  readonly components: readonly HealthComponent[];
  readonly now?: () => number;
}

const rank: Record<HealthStatus, number> = { GOOD: 0, WARN: 1, BAD: 2 };

export function worst(statuses: Iterable<HealthStatus>): HealthStatus {
  let out: HealthStatus = 'GOOD';
  for (const s of statuses) if (rank[s] > rank[out]) out = s;
  return out;
}

/** A component's health from its reasons: BAD if any BAD reason, else WARN if any, else GOOD. */
export function judged(
  name: string,
  values: Record<string, number | string>,
  bad: readonly string[],
  warn: readonly string[],
): ComponentHealth {
  const status: HealthStatus = bad.length > 0 ? 'BAD' : warn.length > 0 ? 'WARN' : 'GOOD';
  return { name, status, reasons: [...bad, ...warn], values };
}

/** Two decimals, for rates. */
export function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export class HealthMonitor {
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => number;
  /** When the process started (not the monitor). */
  private readonly startedAt: number;

  constructor(
    private readonly deps: HealthDeps,
    readonly config: HealthConfig,
  ) {
    this.now = deps.now ?? Date.now;
    this.startedAt = this.now() - Math.round(process.uptime() * 1000);
  }

  /** Takes a first sample and samples every sampleMs (the timer does not keep the process up). */
  start(): void {
    if (this.timer !== undefined) return;
    this.checkAll();
    this.timer = setInterval(() => this.checkAll(), this.config.sampleMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  report(): HealthReport {
    const now = this.now();
    const components = this.checkAll();
    const memory = process.memoryUsage();
    return {
      status: worst(components.map((c) => c.status)),
      checkedAt: new Date(now).toISOString(),
      process: {
        name: this.deps.name,
        version: this.deps.build.version,
        commit: this.deps.build.commit,
        buildTime: this.deps.build.buildTime,
        node: process.version,
        os: type(),
        kernel: release(),
        arch: arch(),
        hostname: hostname(),
        pid: process.pid,
        startedAt: new Date(this.startedAt).toISOString(),
        uptimeSeconds: Math.max(0, Math.floor((now - this.startedAt) / 1000)),
        memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal },
      },
      components,
    };
  }

  private checkAll(): ComponentHealth[] {
    const now = this.now();
    return this.deps.components.map((c) => {
      try {
        return c.check(now);
      } catch (err) {
        return judged(c.name, {}, [`its health check failed: ${(err as Error).message}`], []);
      }
    });
  }
}

export function createHealthMonitor(deps: HealthDeps, config: Partial<HealthConfig> = {}): HealthMonitor {
  return new HealthMonitor(deps, { ...defaultHealthConfig, ...config });
}
