import type { Field, QueryResult, Value } from '../../query/api.js';
import type { SqlType } from '../../query/sql-types.js';
import { formatInterval } from '../../query/text-format.js';

/**
 * The JSON form of a query result (docs/rest.md):
 *
 *   {"fields": [{"name", "type"}], "command": "SELECT 2", "stats": {…} | null, "rows": [[…], …]}
 *
 * Cells by type: bool → true/false; int2/int4 → number; int8 and numeric → number while exact
 * (|n| < 2^53, or a fraction), else a string of the digits; float8 → number, or "NaN",
 * "Infinity", "-Infinity"; timestamptz → ISO 8601 UTC string; interval → PostgreSQL text
 * ('01:30:00', '2 days 00:00:00'); text, inet, cidr, macaddr → string; NULL → null.
 */

export type JsonCell = null | boolean | number | string;
type Encoder = (value: Exclude<Value, null>) => JsonCell;

const exactOrString = (v: Exclude<Value, null>): JsonCell => {
  if (typeof v === 'bigint')
    return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= BigInt(-Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : String(v);
  if (typeof v !== 'number') return String(v);
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return Number.isInteger(v) && !Number.isSafeInteger(v) ? BigInt(v).toString() : v;
};

const float = (v: Exclude<Value, null>): JsonCell => {
  const x = Number(v);
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
};

const timestamp = (v: Exclude<Value, null>): JsonCell => {
  const ms = Number(v);
  // Date handles ±8.64e15 ms; anything past that cannot come from a real column, but stays readable.
  return Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(v);
};

const encoders: Readonly<Record<SqlType, Encoder>> = {
  bool: (v) => Boolean(v),
  int2: (v) => Number(v),
  int4: (v) => Number(v),
  int8: exactOrString,
  numeric: exactOrString,
  float8: float,
  text: String,
  inet: String,
  cidr: String,
  macaddr: String,
  timestamptz: timestamp,
  interval: (v) => formatInterval(Number(v)),
  unknown: String,
};

/** One encoder per column, chosen once per result. */
export function jsonEncoders(fields: readonly Field[]): Encoder[] {
  return fields.map((f) => encoders[f.type] ?? String);
}

/** The result as JSON text, in chunks of about `rowsPerChunk` rows (to stream a large result). */
export function* jsonResultChunks(result: QueryResult, rowsPerChunk = 1000): Generator<string> {
  const encode = jsonEncoders(result.fields);
  const fields = result.fields.map((f) => ({ name: f.name, type: f.type }));
  yield `{"fields":${JSON.stringify(fields)},"command":${JSON.stringify(result.command)},"stats":${JSON.stringify(result.stats ?? null)},"rows":[`;
  const cells: JsonCell[] = new Array(encode.length);
  let chunk: string[] = [];
  for (let r = 0; r < result.rows.length; r++) {
    const row = result.rows[r]!;
    for (let c = 0; c < encode.length; c++) {
      const v = row[c];
      cells[c] = v === null || v === undefined ? null : encode[c]!(v);
    }
    chunk.push(JSON.stringify(cells));
    if (chunk.length >= rowsPerChunk) {
      yield `${r + 1 > chunk.length ? ',' : ''}${chunk.join(',')}`;
      chunk = [];
    }
  }
  const rest = chunk.join(',');
  const comma = rest !== '' && result.rows.length > chunk.length ? ',' : '';
  yield `${comma}${rest}]}\n`;
}
