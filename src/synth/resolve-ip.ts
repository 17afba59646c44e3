import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { icmpErrors } from './icmp-errors.js';

export interface ResolvedIp {
  readonly address: string;
  readonly family: 4 | 6;
}

/**
 * The target as an address when it is one ('[…]' accepted for IPv6): the address, bad_spec when
 * it is of another family than asked for, or undefined when it is a name to look up.
 */
export function literalIp(
  target: string,
  family: 4 | 6 | undefined,
): ResolvedIp | { error: string } | undefined {
  const bare = target.startsWith('[') && target.endsWith(']') ? target.slice(1, -1) : target;
  const literal = isIP(bare);
  if (literal === 0) return bare === '' ? { error: icmpErrors.badSpec } : undefined;
  if (family !== undefined && family !== literal) return { error: icmpErrors.badSpec };
  return { address: bare, family: literal as 4 | 6 };
}

/**
 * The address a ping or traceroute probes: the target itself when it is one (of the family asked
 * for), else the system resolver's first answer of that family.
 */
export async function resolveIp(
  target: string,
  family: 4 | 6 | undefined,
): Promise<ResolvedIp | { error: string }> {
  const literal = literalIp(target, family);
  if (literal !== undefined) return literal;
  try {
    const got = await lookup(target, { family: family ?? 0 });
    return { address: got.address, family: got.family as 4 | 6 };
  } catch {
    return { error: icmpErrors.dnsFailed };
  }
}
