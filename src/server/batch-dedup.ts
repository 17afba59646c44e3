import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-file.js';

const FORMAT = 1;
const noSession = '0000000000000000';

interface Session {
  /** Highest sequence number acknowledged. */
  acked: number;
  /** Batches being stored now, by sequence number: a retry of one waits for it. */
  readonly inFlight: Map<number, Promise<boolean>>;
}

/**
 * Makes a sender's retries idempotent. A batch of the flowlens format names its sender session
 * (8 random bytes) and a sequence number; the sender library sends a session's batches one at a
 * time in increasing order and retries a batch until it is acknowledged. So a batch whose number
 * is at or below the session's highest acknowledged one was stored already (its answer was lost:
 * a timeout, a broken connection) and is acknowledged again without storing it twice; a retry
 * that arrives while the first attempt is still being stored waits for that attempt.
 *
 * Sessions are keyed by tenant, device and session id, the least recently used dropped past
 * `maxSessions`. They are saved to a file when the server stops and loaded when it starts, so a
 * retry across a clean restart is recognized too. After a crash, a batch stored just before it
 * whose answer never left may be stored again when it is retried: at least once, not exactly.
 */
export class BatchDedup {
  private readonly sessions = new Map<string, Session>();
  /** Retries answered without storing. */
  duplicates = 0;

  constructor(readonly maxSessions = 100_000) {}

  /**
   * Stores a batch by calling `store` unless it was stored already; resolves true when this call
   * stored it, false for a duplicate. A batch without a session (all zeroes) is always stored.
   */
  async once(key: string, session: string, seq: number, store: () => Promise<void>): Promise<boolean> {
    if (session === noSession) {
      await store();
      return true;
    }
    const id = `${key}/${session}`;
    const s = this.session(id);
    for (;;) {
      if (seq <= s.acked) {
        this.duplicates++;
        return false;
      }
      const running = s.inFlight.get(seq);
      if (running === undefined) break;
      // A failed first attempt leaves the batch to this one.
      await running.catch(() => undefined);
    }
    const attempt = store().then(() => {
      s.acked = Math.max(s.acked, seq);
      return true;
    });
    s.inFlight.set(seq, attempt);
    try {
      return await attempt;
    } finally {
      s.inFlight.delete(seq);
    }
  }

  private session(id: string): Session {
    let s = this.sessions.get(id);
    if (s === undefined) s = { acked: 0, inFlight: new Map() };
    else this.sessions.delete(id);
    this.sessions.set(id, s);
    if (this.sessions.size > this.maxSessions) {
      for (const [oldest, state] of this.sessions) {
        if (state.inFlight.size > 0) continue;
        this.sessions.delete(oldest);
        break;
      }
    }
    return s;
  }

  get size(): number {
    return this.sessions.size;
  }

  async save(file: string): Promise<void> {
    const sessions: [string, number][] = [];
    for (const [id, s] of this.sessions) if (s.acked > 0) sessions.push([id, s.acked]);
    await writeFileAtomic(file, JSON.stringify({ format: FORMAT, sessions }));
  }

  /** Loads what `save` wrote; a missing file is an empty state, an unreadable one is ignored (returns false). */
  async load(file: string): Promise<boolean> {
    let content: { format?: unknown; sessions?: unknown };
    try {
      content = JSON.parse(await readFile(file, 'utf8'));
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === 'ENOENT';
    }
    if (content?.format !== FORMAT || !Array.isArray(content.sessions)) return false;
    for (const entry of content.sessions) {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || !Number.isSafeInteger(entry[1])) continue;
      this.session(entry[0]).acked = entry[1];
    }
    return true;
  }
}
