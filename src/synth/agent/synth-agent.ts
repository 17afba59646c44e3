import type { Logger } from '../../log/logger.js';
import { systemTimerClock, type TimerClock } from '../../metrics/clock.js';
import type { RunHandle, TestResult, TestSpec } from '../contract.js';
import { ResultSender } from './result-sender.js';
import { defaultSchedulerConfig, Scheduler, type SchedulerConfig } from './scheduler.js';
import { ServerClient, ServerError } from './server-client.js';
import { hostAddresses, statusReport } from './status-report.js';
import { loadTaskCache, saveTaskCache } from './task-cache.js';

export interface SynthAgentConfig {
  /** The flowlens server's base URL, and the agent's token. */
  readonly server: string;
  readonly token: string;
  /** What the agent calls itself (its host name by default). */
  readonly name: string;
  /** Where result batches wait while the server is unreachable; without it, in memory only. */
  readonly spoolDir?: string | undefined;
  readonly exportIntervalMs: number;
  readonly pollIntervalMs: number;
  readonly statusIntervalMs: number;
  /** How often a pending agent asks again whether it was approved. */
  readonly registerRetryMs: number;
  readonly scheduler: SchedulerConfig;
  /** Result batches held in memory (then spooled), and the spool's bound (or memory's, without one). */
  readonly maxMemoryBytes: number;
  readonly maxSpoolBytes: number;
  /** Results waiting for the next export, at most (the oldest are dropped past it). */
  readonly maxPendingResults: number;
  readonly requestTimeoutMs: number;
  /** At stop: how long to try delivering what is left before it goes to the spool. */
  readonly stopFlushMs: number;
  readonly ca?: string | Buffer | undefined;
  readonly rejectUnauthorized: boolean;
}

export const defaultSynthAgentConfig: Omit<SynthAgentConfig, 'server' | 'token' | 'name'> = {
  exportIntervalMs: 10_000,
  pollIntervalMs: 30_000,
  statusIntervalMs: 30_000,
  registerRetryMs: 30_000,
  scheduler: defaultSchedulerConfig,
  maxMemoryBytes: 16 << 20,
  maxSpoolBytes: 256 << 20,
  maxPendingResults: 1_000_000,
  requestTimeoutMs: 30_000,
  stopFlushMs: 5_000,
  rejectUnauthorized: true,
};

export interface SynthAgentDeps {
  /** Runs one test once (the per-type runners, src/synth/runners.ts). */
  readonly run: (spec: TestSpec, signal: AbortSignal) => Promise<TestResult>;
  /** The runners' fast path where a type has one (SchedulerDeps.start). */
  readonly start?: (
    spec: TestSpec,
    time: number,
    done: (result: TestResult) => void,
  ) => RunHandle | undefined;
  readonly log: Logger;
  /** The build, reported at registration and in status reports. */
  readonly version: string;
  /** The scheduler's clock (a manual one in tests). */
  readonly clock?: TimerClock | undefined;
}

export interface SynthAgentStats {
  state: 'registering' | 'pending' | 'running' | 'stopped';
  agentId: string | undefined;
  taskVersion: number;
  registrations: number;
  polls: number;
  pollErrors: number;
  statusReports: number;
  statusErrors: number;
  /** Results dropped before export: more than maxPendingResults waited. */
  droppedPending: number;
  lastPollAt: number | undefined;
  lastError: string | undefined;
}

/**
 * `flowlens synth --server URL --token TOKEN` (docs/synth.md "Agent"): registers (waiting for an
 * admin's approval if need be), polls its task list with the version it has, runs the tasks on
 * the scheduler, exports their results every exportIntervalMs in compressed batches, and reports
 * its status every statusIntervalMs. While the server is unreachable the scheduler keeps running
 * and batches wait (memory, then the spool), sent in order once it is back.
 */
export class SynthAgent {
  readonly scheduler: Scheduler;
  readonly stats: SynthAgentStats = {
    state: 'registering',
    agentId: undefined,
    taskVersion: 0,
    registrations: 0,
    polls: 0,
    pollErrors: 0,
    statusReports: 0,
    statusErrors: 0,
    droppedPending: 0,
    lastPollAt: undefined,
    lastError: undefined,
  };
  readonly startedAt = Date.now();
  private readonly client: ServerClient;
  private sender: ResultSender | undefined;
  private pending: TestResult[] = [];
  private readonly timers: NodeJS.Timeout[] = [];
  private registering: Promise<void> | undefined;
  private stopped = false;
  private retry: { timer: NodeJS.Timeout; resolve: () => void } | undefined;
  /** The agent id of the cached task list running since start, until the server answers. */
  private cachedAgent: string | undefined;

  constructor(
    readonly config: SynthAgentConfig,
    private readonly deps: SynthAgentDeps,
  ) {
    this.client = new ServerClient({
      url: config.server,
      token: config.token,
      timeoutMs: config.requestTimeoutMs,
      ca: config.ca,
      rejectUnauthorized: config.rejectUnauthorized,
    });
    this.scheduler = new Scheduler(
      {
        clock: deps.clock ?? systemTimerClock,
        run: deps.run,
        start: deps.start,
        onResult: (r) => this.collect(r),
      },
      config.scheduler,
    );
  }

  /** Starts registering; resolves at once (the agent keeps trying until it is approved or stopped). */
  start(): void {
    this.runCachedTasks();
    void this.register();
  }

  /** With a spool: the task list saved by the last poll runs until the server answers. */
  private runCachedTasks(): void {
    if (this.config.spoolDir === undefined) return;
    const cached = loadTaskCache(this.config.spoolDir, this.config.server);
    if (typeof cached === 'string') {
      this.deps.log.warn(`cached task list ignored: ${cached}`);
      return;
    }
    if (cached === undefined) return;
    this.scheduler.set(cached.tasks);
    this.stats.taskVersion = cached.version;
    this.cachedAgent = cached.agentId;
    this.deps.log.info(
      `running ${cached.tasks.length} cached tasks (version ${cached.version}) until the server answers`,
    );
  }

  private saveTasks(agentId: string): void {
    if (this.config.spoolDir === undefined) return;
    try {
      saveTaskCache(this.config.spoolDir, {
        server: this.config.server,
        agentId,
        version: this.stats.taskVersion,
        tasks: this.scheduler.specs(),
      });
    } catch (err) {
      this.stats.lastError = `saving the task list: ${(err as Error).message}`;
    }
  }

  /** The result sender, once registered. */
  get results(): ResultSender | undefined {
    return this.sender;
  }

  /** Results waiting for the next export. */
  get pendingResults(): number {
    return this.pending.length;
  }

  /** Stops testing, exports what is left (trying for stopFlushMs), and spools the rest. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stats.state = 'stopped';
    for (const t of this.timers) clearInterval(t);
    if (this.retry !== undefined) {
      clearTimeout(this.retry.timer);
      this.retry.resolve();
    }
    await this.scheduler.stop();
    if (this.sender !== undefined) {
      await this.export();
      await this.sender.flush(this.config.stopFlushMs);
      await this.sender.close();
    }
    await this.registering?.catch(() => {});
    this.client.close();
  }

  /** Sends the results collected since the last export as one batch. */
  async export(): Promise<void> {
    if (this.sender === undefined || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    await this.sender.send(batch);
  }

  /** Asks for the task changes now. */
  async poll(): Promise<void> {
    const id = this.stats.agentId;
    if (id === undefined || this.stats.state !== 'running') return;
    try {
      const answer = await this.client.tasks(id, this.stats.taskVersion);
      this.stats.polls++;
      this.stats.lastPollAt = Date.now();
      if (answer === undefined || this.stopped) return;
      if (answer.full) this.scheduler.set(answer.tasks);
      else {
        for (const removed of answer.removed) this.scheduler.remove(removed);
        for (const task of answer.tasks) this.scheduler.upsert(task);
      }
      this.stats.taskVersion = answer.version;
      this.saveTasks(id);
    } catch (err) {
      this.stats.pollErrors++;
      this.failed('task poll', err);
    }
  }

  /** The status report (POST /api/v1/synth/status). */
  report(): Record<string, unknown> {
    return statusReport(this, this.deps.version);
  }

  private collect(result: TestResult): void {
    this.pending.push(result);
    if (this.pending.length > this.config.maxPendingResults) {
      this.pending.shift();
      this.stats.droppedPending++;
    }
  }

  /** Registers (again), retrying until approved or stopped; the first success starts the loops. */
  private register(): Promise<void> {
    this.registering ??= this.registerLoop().finally(() => {
      this.registering = undefined;
    });
    return this.registering;
  }

  private async registerLoop(): Promise<void> {
    let delay = 1000;
    while (!this.stopped) {
      try {
        const { id, status } = await this.client.register({
          name: this.config.name,
          version: this.deps.version,
          addresses: hostAddresses(),
        });
        this.stats.registrations++;
        this.stats.agentId = id;
        if (status === 'approved') {
          this.approved(id);
          return;
        }
        if (this.stats.state !== 'pending')
          this.deps.log.warn(
            `registered as ${id}, waiting for an admin to approve it (POST /api/v1/synth/agents/${id}/approve)`,
          );
        this.stats.state = 'pending';
        delay = this.config.registerRetryMs;
      } catch (err) {
        this.failed('registration', err);
        delay = Math.min(this.config.registerRetryMs, delay * 2);
      }
      await new Promise<void>((resolve) => {
        this.retry = { timer: setTimeout(resolve, delay * (0.8 + 0.4 * Math.random())), resolve };
      });
    }
  }

  private approved(id: string): void {
    const first = this.sender === undefined;
    // A cached list's version is that agent's: under another id the first poll asks for all.
    if (this.cachedAgent !== undefined && this.cachedAgent !== id) this.stats.taskVersion = 0;
    this.cachedAgent = undefined;
    this.stats.state = 'running';
    this.deps.log.info(`registered as ${id}: polling tasks`);
    if (first) {
      this.sender = new ResultSender(
        {
          url: this.config.server,
          agent: id,
          token: this.config.token,
          spoolDir: this.config.spoolDir,
          maxSpoolBytes: this.config.maxSpoolBytes,
          maxMemoryBytes: this.config.maxMemoryBytes,
          timeoutMs: this.config.requestTimeoutMs,
          minBackoffMs: 500,
          maxBackoffMs: 30_000,
          ca: this.config.ca,
          rejectUnauthorized: this.config.rejectUnauthorized,
        },
        { log: this.deps.log, onAuthProblem: () => this.reregister() },
      );
      this.sender.start().catch(() => {});
      this.every(this.config.exportIntervalMs, () => this.export());
      this.every(this.config.pollIntervalMs, () => this.poll());
      this.every(this.config.statusIntervalMs, () => this.sendStatus());
    }
    void this.poll().then(() => this.sendStatus());
  }

  private reregister(): void {
    if (this.stopped || this.stats.state !== 'running') return;
    this.stats.state = 'registering';
    void this.register();
  }

  private async sendStatus(): Promise<void> {
    const id = this.stats.agentId;
    if (id === undefined || this.stats.state !== 'running') return;
    try {
      await this.client.status(id, this.report());
      this.stats.statusReports++;
    } catch (err) {
      this.stats.statusErrors++;
      this.failed('status report', err);
    }
  }

  private failed(what: string, err: unknown): void {
    this.stats.lastError = `${what}: ${(err as Error).message}`;
    if (err instanceof ServerError && (err.code === 'unknown_agent' || err.code === 'agent_pending'))
      this.reregister();
  }

  private every(ms: number, fn: () => Promise<void>): void {
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      fn()
        .catch((err) => this.failed('timer', err))
        .finally(() => {
          busy = false;
        });
    }, ms);
    this.timers.push(timer);
  }
}
