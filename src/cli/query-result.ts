import type { Field, QueryResult, QueryStats, Value } from '../query/api.js';
import { type SqlType, sqlTypeOid } from '../query/sql-types.js';

/**
 * A result as the REST API sends it (src/server/http/result-json.ts) turned back into a
 * QueryResult, so that the CLI formats rows from a server and from a data directory alike: ISO
 * timestamps become ms, digit strings of int8/numeric become bigint, "NaN"/"Infinity" numbers,
 * PostgreSQL interval text ms.
 */
export function decodeJsonResult(body: unknown): QueryResult {
  const doc = body as { fields?: unknown; rows?: unknown; command?: unknown; stats?: unknown };
  if (!Array.isArray(doc?.fields) || !Array.isArray(doc.rows) || typeof doc.command !== 'string')
    throw new Error('the server answered something that is not a query result');
  const fields: Field[] = doc.fields.map((f: { name?: unknown; type?: unknown }) => ({
    name: String(f?.name),
    type: typeof f?.type === 'string' && f.type in sqlTypeOid ? (f.type as SqlType) : 'unknown',
  }));
  const decode = fields.map((f) => decoders[f.type]);
  const rows = (doc.rows as unknown[][]).map((row) =>
    fields.map((_, c) => {
      const v = row[c];
      return v === null || v === undefined ? null : decode[c]!(v);
    }),
  );
  return { fields, rows, command: doc.command, stats: (doc.stats ?? undefined) as QueryStats | undefined };
}

type Decoder = (v: unknown) => Value;

const integerOrNumber: Decoder = (v) => {
  if (typeof v === 'number') return v;
  const s = String(v);
  return /^-?\d+$/.test(s) ? BigInt(s) : Number(s);
};
const same: Decoder = (v) => v as Value;

const decoders: Readonly<Record<SqlType, Decoder>> = {
  bool: same,
  int2: same,
  int4: same,
  int8: integerOrNumber,
  numeric: integerOrNumber,
  float8: (v) => Number(v),
  text: same,
  inet: same,
  cidr: same,
  macaddr: same,
  timestamptz: (v) => (typeof v === 'string' && Number.isFinite(Date.parse(v)) ? Date.parse(v) : Number(v)),
  interval: (v) => parseInterval(String(v)),
  unknown: same,
};

const intervalText = /^(-?)(?:(\d+) days? )?(-?)(\d+):(\d\d):(\d\d)(?:\.(\d{1,3}))?$/;

/** PostgreSQL's interval text as text-format.ts writes it ('-1 day -02:00:00.5') → ms. */
export function parseInterval(text: string): number {
  const m = intervalText.exec(text);
  if (m === null) return Number.NaN;
  const [, daySign, days, timeSign, h, min, s, frac] = m;
  const time =
    Number(h) * 3_600_000 + Number(min) * 60_000 + Number(s) * 1000 + Number((frac ?? '').padEnd(3, '0'));
  const dayMs = Number(days ?? 0) * 86_400_000;
  return (
    (daySign === '-' ? -dayMs : dayMs) +
    (timeSign === '-' || (days === undefined && daySign === '-') ? -time : time)
  );
}
