import { bool } from './diff-gen-bool.js';
import { genInet } from './diff-gen-text-time.js';
import { networkRange, parseAddrText } from './diff-inet.js';
import type { InetParts, Node, Scope } from './diff-node.js';

/** inet predicates in DuckDB: containment and order over (family, number, prefix length). */

const networks = [
  '10.0.0.0/8',
  '10.1.0.0/16',
  '192.168.0.0/16',
  '2001:db8::/32',
  '0.0.0.0/0',
  '::/0',
  '172.16.0.0/12',
  '10.0.0.0/30',
  '2001:db8::/48',
  '8.0.0.0/7',
];

function literalParts(text: string): { fam: number; num: bigint; bits: number } {
  const [addr, len] = text.split('/');
  const { fam, num } = parseAddrText(addr!);
  return { fam, num, bits: len === undefined ? (fam === 4 ? 32 : 128) : Number(len) };
}

/** DuckDB: the inet value `p` compared by `op` with a literal address at its full length. */
export function inetCmp(p: InetParts, text: string, op: string): string {
  const l = literalParts(text);
  const n = `CAST(${l.num} AS UHUGEINT)`;
  switch (op) {
    case '=':
      return `(${p.f} = ${l.fam} AND ${p.n} = ${n})`;
    case '<>':
      return `(NOT (${p.f} = ${l.fam} AND ${p.n} = ${n}))`;
    default: {
      const strict = op.replace('=', '');
      return `(${p.f} ${strict} ${l.fam} OR (${p.f} = ${l.fam} AND ${p.n} ${op} ${n}))`;
    }
  }
}

/** DuckDB: `p` lies within the literal network (strictly: with a longer prefix). */
function within(p: InetParts, text: string, strict: boolean): string {
  const l = literalParts(text);
  const { lo, hi } = networkRange(l.fam, l.num, l.bits);
  return `(${p.f} = ${l.fam} AND ${p.b} ${strict ? '>' : '>='} ${l.bits} AND ${p.n} BETWEEN CAST(${lo} AS UHUGEINT) AND CAST(${hi} AS UHUGEINT))`;
}

/** DuckDB: the literal address lies within `p`'s network. */
function containsLiteral(p: InetParts, text: string, strict: boolean): string {
  const l = literalParts(text);
  // DuckDB evaluates every operand of AND: keep the shift in range for the other family too.
  const shift = `CAST(greatest(${l.fam === 4 ? 32 : 128} - ${p.b}, 0) AS UHUGEINT)`;
  return `(${p.f} = ${l.fam} AND ${l.bits} ${strict ? '>' : '>='} ${p.b} AND (CAST(${l.num} AS UHUGEINT) >> ${shift}) = (${p.n} >> ${shift}))`;
}

export function inetPredicate(s: Scope): Node {
  const r = s.rng;
  const x = genInet(s);
  const p = x.inet!;
  const lit = r.chance(0.7) ? r.pick(networks) : `${r.pick(s.facts.addrs)}`;
  const typed = r.pick([`'${lit}'`, `'${lit}'::inet`, `inet '${lit}'`]);
  switch (r.int(6)) {
    case 0:
      return bool(`(${x.pg} << ${typed})`, within(p, lit, true), x.nullable);
    case 1:
      return bool(`(${x.pg} <<= ${typed})`, within(p, lit, false), x.nullable);
    case 2:
      return bool(`(${typed} >> ${x.pg})`, within(p, lit, true), x.nullable);
    case 3:
      return bool(`(${typed} >>= ${x.pg})`, within(p, lit, false), x.nullable);
    case 4: {
      const strict = r.chance(0.5);
      return bool(`(${x.pg} ${strict ? '>>' : '>>='} ${typed})`, containsLiteral(p, lit, strict), x.nullable);
    }
    default: {
      const a = s.leaf('inet');
      if (!a?.full) return bool(`(${x.pg} <<= ${typed})`, within(p, lit, false), x.nullable);
      const host = r.pick(s.facts.addrs);
      const op = r.pick(['=', '<>', '<', '<=', '>', '>=']);
      return bool(`(${a.pg} ${op} '${host}')`, inetCmp(a.inet!, host, op), a.nullable);
    }
  }
}
