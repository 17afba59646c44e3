import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../util/atomic-file.js';
import type { TestSpec } from '../contract.js';
import type { TestInput } from './test-input.js';

/** A test as the server keeps it. */
export interface StoredTest {
  readonly id: string;
  readonly tenant: string;
  readonly label: string;
  readonly agents: 'all' | readonly string[];
  readonly spec: TestSpec;
  /** The task-list version of its last change (GET /api/v1/synth/tasks). */
  readonly version: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** What changed for one agent since the version it has. */
export interface TaskChanges {
  readonly version: number;
  /** True: `tasks` is the whole list (drop every task not in it); false: only what changed. */
  readonly full: boolean;
  readonly tasks: readonly TestSpec[];
  /** Tasks to drop: deleted, or no longer run by this agent. */
  readonly removed: readonly string[];
}

interface State {
  readonly version: number;
  /** Deletions older than this were forgotten: an agent behind it gets the full list. */
  readonly horizon: number;
  readonly tests: ReadonlyMap<string, StoredTest>;
  readonly tombstones: readonly { readonly id: string; readonly version: number }[];
}

const FORMAT = 1;

export class TestLimitError extends Error {}

/**
 * The synthetic tests of every tenant, in DATA/synth/tests.json (replaced atomically on each
 * change, and only then visible: a failed write changes nothing). Every change takes the next
 * version of the task list, so an agent asks for what changed since the version it has; deleted
 * tests leave a tombstone (the newest `maxTombstones` are kept).
 */
export class SynthTests {
  private state: State = { version: 0, horizon: 0, tests: new Map(), tombstones: [] };
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly limits = { maxTests: 100_000, maxTombstones: 10_000 },
    private readonly now: () => number = Date.now,
  ) {}

  /** Reads the file; a missing one is an empty list. */
  async load(): Promise<void> {
    let content: { format?: unknown } & Partial<Record<keyof State, unknown>>;
    try {
      content = JSON.parse(await readFile(this.file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`${this.file}: ${(err as Error).message}`);
    }
    if (content.format !== FORMAT || !Array.isArray(content.tests) || !Array.isArray(content.tombstones))
      throw new Error(`${this.file}: not a synthetic tests file of format ${FORMAT}`);
    this.state = {
      version: Number(content.version) || 0,
      horizon: Number(content.horizon) || 0,
      tests: new Map((content.tests as StoredTest[]).map((t) => [t.id, t])),
      tombstones: content.tombstones as State['tombstones'],
    };
  }

  get version(): number {
    return this.state.version;
  }

  get size(): number {
    return this.state.tests.size;
  }

  list(tenant: string): StoredTest[] {
    return [...this.state.tests.values()].filter((t) => t.tenant === tenant);
  }

  get(tenant: string, id: string): StoredTest | undefined {
    const test = this.state.tests.get(id);
    return test?.tenant === tenant ? test : undefined;
  }

  /** Any tenant's test (results name tests by id only). */
  byId(id: string): StoredTest | undefined {
    return this.state.tests.get(id);
  }

  create(tenant: string, input: TestInput): Promise<StoredTest> {
    return this.change((s) => {
      if (s.tests.size >= this.limits.maxTests)
        throw new TestLimitError(`the server holds ${this.limits.maxTests} tests, its limit`);
      let id: string;
      do id = `t-${randomBytes(6).toString('hex')}`;
      while (s.tests.has(id));
      const now = this.now();
      const test = stored(id, tenant, input, s.version + 1, now, now);
      return { state: withTest(s, test), result: test };
    });
  }

  /** Replaces a test's definition; undefined when the tenant has no such test. */
  update(tenant: string, id: string, input: TestInput): Promise<StoredTest | undefined> {
    return this.change((s) => {
      const before = s.tests.get(id);
      if (before?.tenant !== tenant) return { state: s, result: undefined };
      const test = stored(id, tenant, input, s.version + 1, before.createdAt, this.now());
      return { state: withTest(s, test), result: test };
    });
  }

  remove(tenant: string, id: string): Promise<boolean> {
    return this.change((s) => {
      if (s.tests.get(id)?.tenant !== tenant) return { state: s, result: false };
      const version = s.version + 1;
      const tests = new Map(s.tests);
      tests.delete(id);
      let tombstones = [...s.tombstones, { id, version }];
      let horizon = s.horizon;
      if (tombstones.length > this.limits.maxTombstones) {
        const dropped = tombstones.slice(0, tombstones.length - this.limits.maxTombstones);
        horizon = dropped.at(-1)!.version;
        tombstones = tombstones.slice(dropped.length);
      }
      return { state: { version, horizon, tests, tombstones }, result: true };
    });
  }

  /** The tasks of `agent` changed since `since`; undefined when nothing changed at all. */
  changesFor(agent: string, since: number): TaskChanges | undefined {
    const s = this.state;
    if (since === s.version) return undefined;
    const runs = (t: StoredTest) => t.agents === 'all' || t.agents.includes(agent);
    if (since <= 0 || since > s.version || since < s.horizon) {
      const tasks = [...s.tests.values()].filter(runs).map((t) => t.spec);
      return { version: s.version, full: true, tasks, removed: [] };
    }
    const tasks: TestSpec[] = [];
    const removed: string[] = [];
    for (const t of s.tests.values()) {
      if (t.version <= since) continue;
      if (runs(t)) tasks.push(t.spec);
      else removed.push(t.id);
    }
    for (const t of s.tombstones) if (t.version > since) removed.push(t.id);
    return { version: s.version, full: false, tasks, removed };
  }

  /** The tests `agent` runs now. */
  countFor(agent: string): number {
    let n = 0;
    for (const t of this.state.tests.values()) if (t.agents === 'all' || t.agents.includes(agent)) n++;
    return n;
  }

  /** One change at a time: made on a copy, written, then visible. */
  private change<T>(make: (s: State) => { state: State; result: T }): Promise<T> {
    const next = this.queue.then(async () => {
      const { state, result } = make(this.state);
      if (state !== this.state) {
        await writeFileAtomic(this.file, serialize(state));
        this.state = state;
      }
      return result;
    });
    this.queue = next.catch(() => {});
    return next;
  }
}

function stored(
  id: string,
  tenant: string,
  input: TestInput,
  version: number,
  createdAt: number,
  updatedAt: number,
): StoredTest {
  const spec = { ...input.spec, id } as TestSpec;
  return { id, tenant, label: input.label, agents: input.agents, spec, version, createdAt, updatedAt };
}

function withTest(s: State, test: StoredTest): State {
  const tests = new Map(s.tests);
  tests.set(test.id, test);
  return { ...s, version: test.version, tests };
}

function serialize(s: State): string {
  return JSON.stringify({
    format: FORMAT,
    version: s.version,
    horizon: s.horizon,
    tests: [...s.tests.values()],
    tombstones: s.tombstones,
  });
}
