import { DIFF_NOW } from './diff-flows.js';
import { genInt } from './diff-gen-num.js';
import { caseOf, coalesce, nullif } from './diff-gen-scalar.js';
import {
  inetNode,
  intervalLit,
  intervals,
  type Node,
  node,
  type Scope,
  textLit,
  tsText,
  weakName,
} from './diff-node.js';

/** Random text, timestamp, interval and inet expressions. */

const textLits = ['US', 'x', '', 'ünï', 'a_b', 'none'];

export function genText(s: Scope, depth: number): Node {
  const r = s.rng;
  const leaf = () => s.leaf('text') ?? textLit(r.pick(textLits));
  if (depth <= 0) return r.chance(0.85) ? leaf() : textLit(r.pick(textLits));
  switch (r.int(8)) {
    case 0:
    case 1:
      return leaf();
    case 2: {
      const a = genText(s, depth - 1);
      const fn = r.pick(['lower', 'upper']);
      return node({
        pg: `${fn}(${a.pg})`,
        dk: `${fn}(${a.dk})`,
        type: 'text',
        name: fn,
        nullable: a.nullable,
      });
    }
    case 3: {
      const a = genText(s, depth - 1);
      const b = r.chance(0.5) ? textLit(r.pick(textLits)) : genText(s, depth - 1);
      return node({
        pg: `(${a.pg} || ${b.pg})`,
        dk: `(${a.dk} || ${b.dk})`,
        type: 'text',
        nullable: a.nullable || b.nullable,
      });
    }
    case 4: {
      const a = genText(s, depth - 1);
      const i = genInt(s, depth - 1);
      return node({
        pg: `concat(${a.pg}, ${i.pg})`,
        dk: `concat(${a.dk}, CAST(${i.dk} AS VARCHAR))`,
        type: 'text',
        name: 'concat',
      });
    }
    case 5: {
      const a = genInet(s);
      if (a.inet?.h === undefined) return leaf();
      if (r.chance(0.6))
        return node({ pg: `host(${a.pg})`, dk: a.inet.h, type: 'text', name: 'host', nullable: a.nullable });
      return node({
        pg: `${a.pg}::text`,
        dk: `(${a.inet.h} || '/' || CAST(${a.inet.b} AS VARCHAR))`,
        type: 'text',
        ...weakName(a, 'text'),
        nullable: a.nullable,
      });
    }
    case 6: {
      const i = genInt(s, depth - 1);
      return node({
        pg: `${i.pg}::text`,
        dk: `CAST(${i.dk} AS VARCHAR)`,
        type: 'text',
        ...weakName(i, 'text'),
        nullable: i.nullable,
      });
    }
    default:
      if (r.chance(0.5)) return caseOf(s, depth, (d) => genText(s, d));
      return coalesce(nullif(genText(s, depth - 1), textLit(r.pick(['', 'US']))), textLit('none'));
  }
}

const truncUnits = ['minute', 'hour', 'day', 'week', 'month', 'year'];
const bucketWidths = [
  { text: '5 minutes', ms: 300_000 },
  { text: '1 hour', ms: 3_600_000 },
  { text: '2 minutes', ms: 120_000 },
  { text: '15 min', ms: 900_000 },
  { text: '1 day', ms: 86_400_000 },
];

export function genTime(s: Scope, depth: number): Node {
  const r = s.rng;
  const leaf = s.leaf('time');
  if (leaf === undefined) return nowNode(r.chance(0.5) ? r.pick(intervals) : undefined);
  if (depth <= 0 || r.chance(0.3)) return leaf;
  switch (r.int(3)) {
    case 0: {
      const unit = r.pick(truncUnits);
      return node({
        pg: `date_trunc('${unit}', ${leaf.pg})`,
        dk: `date_trunc('${unit}', ${leaf.dk})`,
        type: 'timestamptz',
        name: 'date_trunc',
        nullable: leaf.nullable,
      });
    }
    case 1: {
      const w = r.pick(bucketWidths);
      const arg = r.chance(0.5) ? `'${w.text}'` : `interval '${w.text}'`;
      return node({
        pg: `time_bucket(${arg}, ${leaf.pg})`,
        dk: `time_bucket(to_milliseconds(CAST(${w.ms} AS BIGINT)), ${leaf.dk}, TIMESTAMP '1970-01-01 00:00:00')`,
        type: 'timestamptz',
        name: 'time_bucket',
        nullable: leaf.nullable,
      });
    }
    default: {
      const iv = intervalLit(r);
      const op = r.pick(['+', '-']);
      return node({
        pg: `(${leaf.pg} ${op} ${iv.pg})`,
        dk: `(${leaf.dk} ${op} ${iv.dk})`,
        type: 'timestamptz',
        nullable: leaf.nullable,
      });
    }
  }
}

/** now(), or now() minus an interval (the shape of every dashboard's time filter). */
export function nowNode(minus?: (typeof intervals)[number]): Node {
  const now = `TIMESTAMP '${tsText(DIFF_NOW)}'`;
  if (minus === undefined)
    return node({ pg: 'now()', dk: now, type: 'timestamptz', name: 'now', constant: true });
  return node({
    pg: `(now() - interval '${minus.text}')`,
    dk: `(${now} - to_milliseconds(CAST(${minus.ms} AS BIGINT)))`,
    type: 'timestamptz',
    constant: true,
  });
}

export function genInterval(s: Scope): Node {
  const a = s.leaf('time');
  const b = s.leaf('time');
  if (a === undefined || b === undefined || s.rng.chance(0.2)) return intervalLit(s.rng);
  return node({
    pg: `(${a.pg} - ${b.pg})`,
    dk: `(${a.dk} - ${b.dk})`,
    type: 'interval',
    nullable: a.nullable || b.nullable,
  });
}

const masklens = [8, 16, 24, 31];

export function genInet(s: Scope): Node {
  const r = s.rng;
  const a = s.leaf('inet');
  if (a === undefined) throw new Error('no inet leaf');
  const p = a.inet!;
  if (a.type === 'cidr' || r.chance(0.5)) return a;
  const width = `(CASE WHEN ${p.f} = 4 THEN 32 ELSE 128 END)`;
  const k = r.pick(masklens);
  const set = r.chance(0.6);
  // set_masklen(NULL, k) is NULL: so is its prefix length.
  const bits = set ? `(${p.f} * 0 + ${k})` : p.b;
  const inner = set ? `set_masklen(${a.pg}, ${k})` : a.pg;
  if (set && r.chance(0.5)) {
    return inetNode(
      { pg: inner, type: 'inet', name: 'set_masklen', nullable: a.nullable },
      { f: p.f, n: p.n, b: bits, h: p.h },
    );
  }
  const shift = `CAST(${width} - ${bits} AS UHUGEINT)`;
  const masked = `((${p.n} >> ${shift}) << ${shift})`;
  return inetNode(
    { pg: `network(${inner})`, type: 'cidr', name: 'network', nullable: a.nullable },
    { f: p.f, n: masked, b: bits, h: undefined },
  );
}
