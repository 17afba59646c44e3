import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Registry } from '../../metrics/registry.js';
import type { EngineTable } from '../../query/engine.js';
import { SynthAgents } from './agent-registry.js';
import { SynthResultsStore } from './results-store.js';
import { SynthTests } from './test-store.js';

export interface SynthServiceConfig {
  /** Agent tokens that approve an agent at registration; others wait for an admin. */
  readonly synthTokens: readonly string[];
  /** Days the synth_* tables keep. */
  readonly synthRetentionDays: number;
}

export interface SynthServiceStats {
  registrations: number;
  taskPolls: number;
  /** Polls answered 304: the agent's version was current. */
  unchangedPolls: number;
  statusReports: number;
  resultBatches: number;
  storedResults: number;
  /** Results of tests the server does not know (deleted meanwhile): dropped. */
  unknownTestResults: number;
  /** Lines of result batches that were not valid results: dropped. */
  rejectedResults: number;
}

/**
 * The server side of synthetic monitoring (docs/synth.md): the tests users define
 * (DATA/synth/tests.json), the agents that run them (DATA/synth/agents.json), and the synth_*
 * result tables (DATA/tables/synth_<type>/). The REST routes are in routes.ts.
 */
export class SynthService {
  readonly tests: SynthTests;
  readonly agents: SynthAgents;
  readonly results: SynthResultsStore;
  readonly stats: SynthServiceStats = {
    registrations: 0,
    taskPolls: 0,
    unchangedPolls: 0,
    statusReports: 0,
    resultBatches: 0,
    storedResults: 0,
    unknownTestResults: 0,
    rejectedResults: 0,
  };
  private started = false;
  private readonly dir: string;

  constructor(
    deps: {
      readonly dataDir: string;
      readonly log: (line: string) => void;
      readonly metrics?: Registry | undefined;
    },
    config: SynthServiceConfig,
  ) {
    this.dir = join(deps.dataDir, 'synth');
    this.tests = new SynthTests(join(this.dir, 'tests.json'));
    this.agents = new SynthAgents(join(this.dir, 'agents.json'), config.synthTokens);
    this.results = new SynthResultsStore(
      { dataDir: deps.dataDir, log: deps.log },
      { retentionDays: config.synthRetentionDays },
    );
    this.instrument(deps.metrics ?? new Registry());
  }

  /** Loads the tests and agents and opens the tables: call after the store holds the data directory's lock. */
  async start(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await this.tests.load();
    await this.agents.load();
    await this.results.start();
    this.started = true;
  }

  async stop(): Promise<void> {
    this.started = false;
    await this.results.stop();
  }

  get ready(): boolean {
    return this.started;
  }

  engineTables(): EngineTable[] {
    return this.results.engineTables();
  }

  describe(): string {
    const agents = this.agents.list();
    const pending = agents.filter((a) => a.status === 'pending').length;
    return `synthetic monitoring: ${this.tests.size} tests, ${agents.length} agents (${pending} pending approval); results in synth_ping, synth_trace, synth_http, synth_dns, synth_tcp`;
  }

  private instrument(r: Registry): void {
    const s = this.stats;
    const counter = (name: string, read: () => number, help: string) =>
      r.counterFn(name, read, undefined, { help });
    counter(
      'flowlens_synth_server_registrations_total',
      () => s.registrations,
      'Agent registrations answered (first or again)',
    );
    counter(
      'flowlens_synth_server_task_polls_total',
      () => s.taskPolls,
      'Task-list polls by approved agents (304s included)',
    );
    counter(
      'flowlens_synth_server_status_reports_total',
      () => s.statusReports,
      'Status reports received from agents',
    );
    counter(
      'flowlens_synth_server_result_batches_total',
      () => s.resultBatches,
      'Result batches acknowledged (duplicates included)',
    );
    counter(
      'flowlens_synth_server_duplicate_batches_total',
      () => this.results.stats.duplicateBatches,
      'Result batches acknowledged again without storing: retries of stored ones',
    );
    counter(
      'flowlens_synth_server_results_total',
      () => s.storedResults,
      'Test results stored in the synth_* tables',
    );
    counter(
      'flowlens_synth_server_dropped_results_total',
      () => s.unknownTestResults + s.rejectedResults,
      'Results dropped: of tests deleted meanwhile, or not valid results',
    );
    r.gaugeFn('flowlens_synth_server_tests', () => this.tests.size, undefined, {
      help: 'Synthetic tests defined, all tenants',
    });
    r.gaugeFn('flowlens_synth_server_agents', () => this.agents.list().length, undefined, {
      help: 'Synthetic agents registered (approved or pending)',
    });
  }
}
