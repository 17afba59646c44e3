import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../util/atomic-file.js';

/** What an agent reports every 30 s (POST /api/v1/synth/status), as the server keeps it. */
export interface AgentStatus {
  /** When the server received it (ms since the epoch). */
  readonly receivedAt: number;
  readonly report: Readonly<Record<string, unknown>>;
}

/** A registered agent. Its token is kept as a SHA-256 digest only. */
export interface AgentRecord {
  readonly id: string;
  readonly name: string;
  readonly status: 'pending' | 'approved';
  /** Registered with a pre-shared token (config synthTokens): approved at once. */
  readonly preShared: boolean;
  readonly tokenDigest: string;
  readonly registeredAt: number;
  readonly approvedAt?: number | undefined;
  readonly approvedBy?: string | undefined;
  /** The agent's version and addresses as it last registered. */
  readonly version: string;
  readonly addresses: readonly string[];
}

/** Why a request with agent credentials is refused. */
export type AgentAuthFailure = 'unknown' | 'pending';

const FORMAT = 1;

export class PendingLimitError extends Error {}

/**
 * The synthetic agents, in DATA/synth/agents.json (replaced atomically on each registration,
 * approval and removal). An agent registers with a token: a pre-shared one (config synthTokens)
 * approves it at once; any other leaves it pending until an admin approves it. Its id follows
 * from its token and name, so an agent that registers again (a restart) keeps its id. Status
 * reports and when each agent was last heard from are kept in memory only.
 */
export class SynthAgents {
  private agents = new Map<string, AgentRecord>();
  private readonly statuses = new Map<string, AgentStatus>();
  private readonly lastSeen = new Map<string, number>();
  private readonly preShared: Set<string>;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    preSharedTokens: readonly string[],
    private readonly limits = { maxPending: 100, maxAgents: 10_000 },
    private readonly now: () => number = Date.now,
  ) {
    this.preShared = new Set(preSharedTokens.map(digest));
  }

  async load(): Promise<void> {
    let content: { format?: unknown; agents?: unknown };
    try {
      content = JSON.parse(await readFile(this.file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw new Error(`${this.file}: ${(err as Error).message}`);
    }
    if (content.format !== FORMAT || !Array.isArray(content.agents))
      throw new Error(`${this.file}: not a synthetic agents file of format ${FORMAT}`);
    this.agents = new Map((content.agents as AgentRecord[]).map((a) => [a.id, a]));
  }

  list(): AgentRecord[] {
    return [...this.agents.values()];
  }

  get(id: string): AgentRecord | undefined {
    return this.agents.get(id);
  }

  status(id: string): AgentStatus | undefined {
    return this.statuses.get(id);
  }

  seenAt(id: string): number | undefined {
    return this.lastSeen.get(id);
  }

  /**
   * Registers (or registers again) the agent `name` holding `token`; resolves to its record, whose
   * status says whether it may work yet.
   */
  register(token: string, name: string, version: string, addresses: readonly string[]): Promise<AgentRecord> {
    const tokenDigest = digest(token);
    const id = agentId(tokenDigest, name);
    return this.change((agents) => {
      this.lastSeen.set(id, this.now());
      const before = agents.get(id);
      const preShared = this.preShared.has(tokenDigest);
      if (before !== undefined) {
        const approved = before.status === 'approved' || preShared;
        const same =
          before.version === version &&
          sameList(before.addresses, addresses) &&
          approved === (before.status === 'approved');
        if (same) return { agents, result: before };
        const record: AgentRecord = {
          ...before,
          version,
          addresses: [...addresses],
          ...(approved && before.status !== 'approved'
            ? { status: 'approved', preShared, approvedAt: this.now(), approvedBy: 'synthTokens' }
            : {}),
        };
        return { agents: new Map(agents).set(id, record), result: record };
      }
      if (agents.size >= this.limits.maxAgents)
        throw new PendingLimitError(`the server holds ${this.limits.maxAgents} agents, its limit`);
      if (
        !preShared &&
        [...agents.values()].filter((a) => a.status === 'pending').length >= this.limits.maxPending
      )
        throw new PendingLimitError(
          `${this.limits.maxPending} agents are waiting for approval already: approve or delete some first`,
        );
      const now = this.now();
      const record: AgentRecord = {
        id,
        name,
        status: preShared ? 'approved' : 'pending',
        preShared,
        tokenDigest,
        registeredAt: now,
        ...(preShared ? { approvedAt: now, approvedBy: 'synthTokens' } : {}),
        version,
        addresses: [...addresses],
      };
      return { agents: new Map(agents).set(id, record), result: record };
    });
  }

  /** Approves a pending agent; undefined when there is no such agent. */
  approve(id: string, by: string): Promise<AgentRecord | undefined> {
    return this.change((agents) => {
      const before = agents.get(id);
      if (before === undefined || before.status === 'approved') return { agents, result: before };
      const record: AgentRecord = { ...before, status: 'approved', approvedAt: this.now(), approvedBy: by };
      return { agents: new Map(agents).set(id, record), result: record };
    });
  }

  remove(id: string): Promise<boolean> {
    return this.change((agents) => {
      if (!agents.has(id)) return { agents, result: false };
      const next = new Map(agents);
      next.delete(id);
      this.statuses.delete(id);
      this.lastSeen.delete(id);
      return { agents: next, result: true };
    });
  }

  /** The agent a request acts as: its id and token must match a registered, approved agent. */
  authenticate(id: string, token: string): AgentRecord | AgentAuthFailure {
    const record = this.agents.get(id);
    // Compared even for unknown ids, so that timing does not tell which ids exist.
    const expected = Buffer.from(record?.tokenDigest ?? '0'.repeat(64), 'hex');
    const ok = timingSafeEqual(Buffer.from(digest(token), 'hex'), expected);
    if (record === undefined || !ok) return 'unknown';
    this.lastSeen.set(id, this.now());
    return record.status === 'approved' ? record : 'pending';
  }

  setStatus(id: string, report: Readonly<Record<string, unknown>>): void {
    this.statuses.set(id, { receivedAt: this.now(), report });
  }

  private change<T>(
    make: (agents: ReadonlyMap<string, AgentRecord>) => {
      agents: ReadonlyMap<string, AgentRecord>;
      result: T;
    },
  ): Promise<T> {
    const next = this.queue.then(async () => {
      const { agents, result } = make(this.agents);
      if (agents !== this.agents) {
        await writeFileAtomic(this.file, JSON.stringify({ format: FORMAT, agents: [...agents.values()] }));
        this.agents = new Map(agents);
      }
      return result;
    });
    this.queue = next.catch(() => {});
    return next;
  }
}

function digest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** `a-` and 12 hex digits of the token's digest and the name: the same agent gets the same id. */
function agentId(tokenDigest: string, name: string): string {
  return `a-${createHash('sha256').update(`${tokenDigest}/${name}`).digest('hex').slice(0, 12)}`;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
