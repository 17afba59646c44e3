import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import type { RunDeadline } from './deadline.js';
import { errorCode, probeErrors } from './errors.js';

export interface Resolved {
  readonly address: string;
  readonly family: 4 | 6;
  /** Time spent in the lookup; NaN when `host` was already an address (no lookup happened). */
  readonly ms: number;
}

/** `[::1]` (a URL's hostname) → `::1`. */
export function bareHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

/**
 * Resolves a probe's target to one address with the system resolver (getaddrinfo, as curl and
 * blackbox_exporter's default do), timed, and cut short by the run's deadline. A lookup cannot be
 * cancelled: past the deadline its answer is simply ignored.
 */
export async function resolveTarget(
  host: string,
  family: 4 | 6 | undefined,
  deadline: RunDeadline,
): Promise<Resolved | { readonly error: string }> {
  const bare = bareHost(host);
  const literal = isIP(bare);
  if (literal !== 0) {
    if (family !== undefined && family !== literal) return { error: probeErrors.badSpec };
    return { address: bare, family: literal as 4 | 6, ms: Number.NaN };
  }
  if (bare === '') return { error: probeErrors.badSpec };
  const start = performance.now();
  try {
    const got = await deadline.race(lookup(bare, { family: family ?? 0 }));
    if ('deadline' in got) return { error: got.deadline };
    return { address: got.address, family: got.family as 4 | 6, ms: performance.now() - start };
  } catch (err) {
    const code = errorCode(err);
    return { error: code === probeErrors.failed ? probeErrors.dnsFailed : code };
  }
}
