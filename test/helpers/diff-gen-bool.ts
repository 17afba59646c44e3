import { DIFF_NOW } from './diff-flows.js';
import { inetCmp, inetPredicate } from './diff-gen-inet.js';
import { genInt, genNum } from './diff-gen-num.js';
import { nullif } from './diff-gen-scalar.js';
import { genText, genTime, nowNode } from './diff-gen-text-time.js';
import {
  intervalLit,
  intervals,
  intLit,
  isInt,
  type Node,
  node,
  type Scope,
  textLit,
  tsText,
} from './diff-node.js';

/** Random conditions: comparisons, IN, BETWEEN, AND/OR/NOT, LIKE, IS NULL/DISTINCT/TRUE, inet, time. */

const cmpOps = ['=', '<>', '!=', '<', '<=', '>', '>='];
const duckOp = (op: string) => (op === '!=' ? '<>' : op);

export function bool(pg: string, dk: string, nullable: boolean): Node {
  return node({ pg, dk, type: 'bool', nullable });
}

export function genBool(s: Scope, depth: number): Node {
  const r = s.rng;
  const sub = () => genBool(s, depth - 1);
  const pick = depth <= 0 ? r.pick([0, 1, 2, 3, 4, 7, 11]) : r.int(15);
  switch (pick) {
    case 0:
      return compareNumbers(s, depth);
    case 1: {
      const a = genText(s, depth - 1);
      const b = r.chance(0.6)
        ? textLit(r.pick(['US', 'DE', 'edge1', 'lab', '', 'ünï', 'http', 'tls', 'Example.COM']))
        : genText(s, depth - 1);
      const op = r.pick(cmpOps);
      return bool(`(${a.pg} ${op} ${b.pg})`, `(${a.dk} ${duckOp(op)} ${b.dk})`, a.nullable || b.nullable);
    }
    case 2:
      return timePredicate(s, depth);
    case 3:
      return inList(s, depth);
    case 4:
      return between(s, depth);
    case 5:
    case 6: {
      const a = sub();
      const b = sub();
      const op = r.pick(['AND', 'OR']);
      return bool(`(${a.pg} ${op} ${b.pg})`, `(${a.dk} ${op} ${b.dk})`, a.nullable || b.nullable);
    }
    case 7:
      return like(s, depth);
    case 8: {
      const a = sub();
      return bool(`(NOT ${a.pg})`, `(NOT ${a.dk})`, a.nullable);
    }
    case 9: {
      const a = r.chance(0.5)
        ? nullif(genInt(s, depth - 1), intLit(r.pick([0, 6, 443])))
        : genNum(s, depth - 1);
      const op = r.pick(['IS NULL', 'IS NOT NULL']);
      return bool(`(${a.pg} ${op})`, `(${a.dk} ${op})`, false);
    }
    case 10: {
      const a = nullif(genInt(s, depth - 1), intLit(r.pick([0, 6, 17])));
      const b = r.chance(0.5) ? intLit(r.pick([6, 0])) : genInt(s, depth - 1);
      const op = r.pick(['IS DISTINCT FROM', 'IS NOT DISTINCT FROM']);
      return bool(`(${a.pg} ${op} ${b.pg})`, `(${a.dk} ${op} ${b.dk})`, false);
    }
    case 11:
      return inetPredicate(s);
    case 12: {
      const a = sub();
      const test = r.pick([
        'IS TRUE',
        'IS NOT TRUE',
        'IS FALSE',
        'IS NOT FALSE',
        'IS UNKNOWN',
        'IS NOT UNKNOWN',
      ]);
      const dk = test.replace('UNKNOWN', 'NULL');
      return bool(`(${a.pg} ${test})`, `(${a.dk} ${dk})`, false);
    }
    case 13: {
      const a = s.leaf('time');
      const b = s.leaf('time');
      if (a === undefined || b === undefined) return compareNumbers(s, depth);
      const iv = intervalLit(r);
      const op = r.pick(cmpOps);
      return bool(
        `((${a.pg} - ${b.pg}) ${op} ${iv.pg})`,
        `((${a.dk} - ${b.dk}) ${duckOp(op)} ${iv.dk})`,
        a.nullable || b.nullable,
      );
    }
    default: {
      const m = s.leaf('mac');
      if (m === undefined) return compareNumbers(s, depth);
      const [text, value] = r.pick([
        ['08:00:2b:01:02:03', 0x08002b010203],
        ['fe:ed:fa:ce:ca:fe', 0xfeedfacecafe],
        ['00:00:00:00:00:00', 0],
      ] as const);
      const op = r.pick(['=', '<>']);
      return bool(`(${m.pg} ${op} '${text}')`, `(${m.dk} ${op} ${value})`, m.nullable);
    }
  }
}

/** A literal near the value's range, so that comparisons select some rows and not others. */
function nearLiteral(s: Scope, a: Node): Node {
  const r = s.rng;
  if (isInt(a.type) && Number.isFinite(a.lo) && Number.isFinite(a.hi) && a.hi - a.lo < 2 ** 31) {
    return intLit(Math.round(a.lo + (a.hi - a.lo) * r.float() ** 2));
  }
  if (r.chance(0.5)) return intLit(r.pick([0, 1, 6, 100, 443, 1500, 15169]));
  const v = r.pick(['1.5', '100.25', '0.5', '1e3']);
  return node({ pg: v, dk: `CAST(${v} AS DOUBLE)`, type: 'numeric', constant: true });
}

function compareNumbers(s: Scope, depth: number): Node {
  const a = genNum(s, depth - 1);
  const b = s.rng.chance(0.6) ? nearLiteral(s, a) : genNum(s, depth - 1);
  const op = s.rng.pick(cmpOps);
  return bool(`(${a.pg} ${op} ${b.pg})`, `(${a.dk} ${duckOp(op)} ${b.dk})`, a.nullable || b.nullable);
}

/** A timestamp literal in one of the spellings PostgreSQL reads (all UTC). */
export function timeLiteral(s: Scope): Node {
  const r = s.rng;
  if (r.chance(0.1)) {
    // Special words, read at the statement's now() in UTC.
    const day = Math.floor(DIFF_NOW / 86_400_000) * 86_400_000;
    const [word, at] = r.pick([
      ['today', day],
      ['yesterday', day - 86_400_000],
      ['now', DIFF_NOW],
    ] as const);
    return node({ pg: `'${word}'`, dk: `TIMESTAMP '${tsText(at)}'`, type: 'timestamptz', constant: true });
  }
  const ms = r.pick(s.facts.instants) + r.pick([0, 0, 30_000, -45_500]);
  const text = tsText(ms);
  if (r.chance(0.15)) {
    // A zone offset: the same instant written in another zone.
    const [zone, offset] = r.pick([
      ['+02', 7_200_000],
      ['-05:30', -19_800_000],
    ] as const);
    const local = tsText(ms + offset);
    return node({ pg: `'${local}${zone}'`, dk: `TIMESTAMP '${text}'`, type: 'timestamptz', constant: true });
  }
  const pg = r.pick([
    `'${text}'`,
    `timestamptz '${text}+00'`,
    `'${new Date(ms).toISOString()}'`,
    `timestamp '${text}'`,
  ]);
  return node({ pg, dk: `TIMESTAMP '${text}'`, type: 'timestamptz', constant: true });
}

function timePredicate(s: Scope, depth: number): Node {
  const r = s.rng;
  const t = genTime(s, depth - 1);
  const op = r.pick(['<', '<=', '>', '>=', '=', '<>']);
  const rhs = r.chance(0.5)
    ? nowNode(r.pick(intervals))
    : r.chance(0.8)
      ? timeLiteral(s)
      : genTime(s, depth - 1);
  return bool(`(${t.pg} ${op} ${rhs.pg})`, `(${t.dk} ${op} ${rhs.dk})`, t.nullable || rhs.nullable);
}

function inList(s: Scope, depth: number): Node {
  const r = s.rng;
  const not = r.chance(0.3) ? 'NOT IN' : 'IN';
  const withNull = r.chance(0.1);
  const kind = r.int(3);
  if (kind === 2) {
    const a = s.leaf('inet');
    if (a?.full) {
      const addrs = [r.pick(s.facts.addrs), r.pick(s.facts.addrs), '10.0.0.1'];
      const eq = addrs.map((t) => inetCmp(a.inet!, t, '='));
      const dk = `(${eq.join(' OR ')})`;
      return bool(
        `(${a.pg} ${not} (${addrs.map((t) => `'${t}'`).join(', ')}))`,
        not === 'IN' ? dk : `(NOT ${dk})`,
        a.nullable,
      );
    }
  }
  const items: Node[] = [];
  let a: Node;
  if (kind === 1) {
    a = genText(s, depth - 1);
    for (let i = 0, n = 1 + r.int(3); i < n; i++)
      items.push(textLit(r.pick(['US', 'DE', 'FR', '', 'dns', 'edge1', 'core-2', 'ÅL'])));
  } else {
    a = genInt(s, depth - 1);
    for (let i = 0, n = 1 + r.int(4); i < n; i++)
      items.push(intLit(r.pick([6, 17, 1, 443, 80, 53, 15169, 0, 2, 13335])));
  }
  const pgItems = items.map((i) => i.pg);
  const dkItems = items.map((i) => i.dk);
  if (withNull) {
    pgItems.push('NULL');
    dkItems.push('NULL');
  }
  return bool(
    `(${a.pg} ${not} (${pgItems.join(', ')}))`,
    `(${a.dk} ${not} (${dkItems.join(', ')}))`,
    a.nullable || withNull,
  );
}

function between(s: Scope, depth: number): Node {
  const r = s.rng;
  const form = r.pick(['BETWEEN', 'NOT BETWEEN', 'BETWEEN SYMMETRIC']);
  let x: Node;
  let a: Node;
  let b: Node;
  if (r.chance(0.3)) {
    x = genTime(s, depth - 1);
    a = timeLiteral(s);
    b = timeLiteral(s);
  } else {
    x = genInt(s, depth - 1);
    a = nearLiteral(s, x);
    b = r.chance(0.7) ? nearLiteral(s, x) : genInt(s, depth - 1);
  }
  const nullable = x.nullable || a.nullable || b.nullable;
  const pg = `(${x.pg} ${form} ${a.pg} AND ${b.pg})`;
  if (form !== 'BETWEEN SYMMETRIC') return bool(pg, `(${x.dk} ${form} ${a.dk} AND ${b.dk})`, nullable);
  const dk = `((${x.dk} >= ${a.dk} AND ${x.dk} <= ${b.dk}) OR (${x.dk} >= ${b.dk} AND ${x.dk} <= ${a.dk}))`;
  return bool(pg, dk, nullable);
}

const patterns = [
  '%.test',
  'ex%',
  '%ü%',
  '_S',
  'a\\_b%',
  '%\\%%',
  '%',
  '',
  'x\\\\%',
  '%COM',
  'U%',
  '%🙂%',
  '%e%',
  'E%',
];

function like(s: Scope, depth: number): Node {
  const r = s.rng;
  const t = genText(s, depth - 1);
  const op = r.pick(['LIKE', 'NOT LIKE', 'ILIKE', 'NOT ILIKE']);
  const pat = `'${r.pick(patterns)}'`;
  return bool(`(${t.pg} ${op} ${pat})`, `(${t.dk} ${op} ${pat} ESCAPE '\\')`, t.nullable);
}
