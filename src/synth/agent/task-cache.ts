/**
 * The agent's latest task list on disk (SPOOL/tasks.json, when the agent has a spool): an agent
 * restarted while its server is unreachable runs the tasks it last had instead of nothing, and its
 * results wait to be sent like any others. Written atomically (temporary file, rename).
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestSpec } from '../contract.js';

export interface CachedTasks {
  /** The server and agent id the list came from: another server's list is not used. */
  readonly server: string;
  readonly agentId: string;
  readonly version: number;
  readonly tasks: readonly TestSpec[];
}

const fileName = 'tasks.json';
const testTypes = new Set(['ping', 'trace', 'http', 'dns', 'tcp']);

export function saveTaskCache(dir: string, cached: CachedTasks): void {
  const path = join(dir, fileName);
  writeFileSync(`${path}.tmp`, JSON.stringify(cached));
  renameSync(`${path}.tmp`, path);
}

/**
 * The list cached for `server`; undefined when there is none, or an error message when the file is
 * unreadable or not a task list (it is then ignored: the server's answer replaces it).
 */
export function loadTaskCache(dir: string, server: string): CachedTasks | string | undefined {
  let text: string;
  try {
    text = readFileSync(join(dir, fileName), 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? undefined : (err as Error).message;
  }
  try {
    const c = JSON.parse(text) as Partial<CachedTasks>;
    const valid =
      typeof c.server === 'string' &&
      typeof c.agentId === 'string' &&
      Number.isSafeInteger(c.version) &&
      Array.isArray(c.tasks) &&
      c.tasks.every(
        (t) =>
          typeof t === 'object' &&
          t !== null &&
          typeof t.id === 'string' &&
          typeof t.target === 'string' &&
          testTypes.has(t.type) &&
          typeof t.intervalS === 'number' &&
          t.intervalS > 0,
      );
    if (!valid) return `${join(dir, fileName)} is not a task list`;
    return c.server === server ? (c as CachedTasks) : undefined;
  } catch (err) {
    return `${join(dir, fileName)}: ${(err as Error).message}`;
  }
}
