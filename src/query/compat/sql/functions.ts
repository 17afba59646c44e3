import { QueryError, SqlState } from '../../errors.js';
import type { CVal } from '../catalog/catalog.js';
import { arrayOf, type PgType, pgType } from '../pg-types.js';
import { setSetting } from '../set-show.js';
import { DATABASE_NAME, SERVER_VERSION, settingValue, VERSION_STRING } from '../settings.js';
import { formatType, identifierParts, renderText } from './casts.js';
import type { EvalContext } from './scope.js';
import { quoteIdent } from './values.js';

export interface FunctionDef {
  readonly ret: (args: readonly PgType[]) => PgType;
  readonly call: (args: readonly CVal[], ctx: EvalContext, types: readonly PgType[]) => CVal;
  /** Called even when an argument is NULL (most functions are strict: NULL in, NULL out). */
  readonly lenient?: boolean;
}

const text = pgType('text');
const name = pgType('name');
const bool = pgType('bool');
const int4 = pgType('int4');
const int8 = pgType('int8');
const ts = pgType('timestamptz');
const textArray = arrayOf(text)!;
const nameArray = arrayOf(name)!;

const returns = (type: PgType) => () => type;
const fixed = (type: PgType, call: FunctionDef['call'], lenient = false): FunctionDef => ({
  ret: returns(type),
  call,
  lenient,
});
const always = (type: PgType, value: CVal): FunctionDef => fixed(type, () => value, true);

/** The server's own functions (pg_catalog), enough for psql, drivers, Grafana and GUI clients. */
export const functions: Record<string, FunctionDef> = {
  version: always(text, VERSION_STRING),
  current_database: always(name, DATABASE_NAME),
  current_schema: fixed(name, (_a, ctx) => searchPath(ctx, false)[0] ?? null, true),
  current_schemas: fixed(nameArray, (a, ctx) => searchPath(ctx, a[0] === true)),
  pg_backend_pid: fixed(
    int4,
    (_a, ctx) => Number(ctx.session.settings.get('flowlens.backend_pid') ?? 0),
    true,
  ),
  current_setting: fixed(text, (a, ctx) => {
    const value = settingValue(ctx.session, String(a[0]));
    if (value !== undefined) return value;
    if (a[1] === true) return null;
    throw new QueryError(SqlState.undefinedObject, `unrecognized configuration parameter "${a[0]}"`);
  }),
  set_config: fixed(
    text,
    (a, ctx) => {
      setSetting(ctx.session, String(a[0]), a[1] === null ? undefined : String(a[1]));
      return settingValue(ctx.session, String(a[0])) ?? null;
    },
    true,
  ),
  now: fixed(ts, (_a, ctx) => ctx.now, true),
  transaction_timestamp: fixed(ts, (_a, ctx) => ctx.now, true),
  statement_timestamp: fixed(ts, (_a, ctx) => ctx.now, true),
  clock_timestamp: fixed(ts, () => Date.now(), true),
  pg_postmaster_start_time: fixed(ts, () => startTime, true),
  pg_is_in_recovery: always(bool, false),
  pg_get_userbyid: fixed(name, (a, ctx) => ctx.catalog.roleName(Number(a[0])) ?? `unknown (OID=${a[0]})`),
  pg_table_is_visible: fixed(bool, (a, ctx) => {
    const c = ctx.catalog.classByOid(Number(a[0]));
    return c === undefined ? null : c.namespace === 11 || c.namespace === 2200;
  }),
  pg_type_is_visible: always(bool, true),
  pg_function_is_visible: always(bool, true),
  format_type: fixed(text, (a, ctx) => formatType(Number(a[0]), ctx.catalog) ?? '???'),
  pg_encoding_to_char: fixed(name, (a) => ({ 0: 'SQL_ASCII', 6: 'UTF8' })[Number(a[0])] ?? ''),
  pg_char_to_encoding: fixed(int4, (a) => ({ SQL_ASCII: 0, UTF8: 6 })[String(a[0]).toUpperCase()] ?? -1),
  pg_size_pretty: fixed(text, (a) => sizePretty(Number(a[0]))),
  to_regclass: fixed(pgType('regclass'), (a, ctx) => {
    const parts = identifierParts(String(a[0]));
    const last = parts[parts.length - 1];
    return ctx.catalog.classes.find((c) => c.name === last)?.oid ?? null;
  }),
  quote_ident: fixed(text, (a) => quoteIdent(String(a[0]))),
  parse_ident: fixed(textArray, (a) => identifierParts(String(a[0]))),
  array_to_string: fixed(text, (a, ctx, t) =>
    (a[0] as CVal[])
      .filter((v) => v !== null || a[2] !== undefined)
      .map((v) => (v === null ? String(a[2]) : renderText(v, elemType(t[0]!), ctx.catalog)))
      .join(String(a[1])),
  ),
  string_to_array: fixed(textArray, (a) => {
    const s = String(a[0]);
    if (s === '') return [];
    const parts = a[1] === null ? [...s] : s.split(String(a[1]));
    return a[2] === undefined ? parts : parts.map((p) => (p === a[2] ? null : p));
  }),
  array_lower: fixed(int4, (a) => ((a[0] as CVal[]).length > 0 && a[1] === 1 ? 1 : null)),
  array_upper: fixed(int4, (a) =>
    (a[0] as CVal[]).length > 0 && a[1] === 1 ? (a[0] as CVal[]).length : null,
  ),
  array_length: fixed(int4, (a) =>
    (a[0] as CVal[]).length > 0 && a[1] === 1 ? (a[0] as CVal[]).length : null,
  ),
  cardinality: fixed(int4, (a) => (a[0] as CVal[]).length),
  lower: fixed(text, (a) => String(a[0]).toLowerCase()),
  upper: fixed(text, (a) => String(a[0]).toUpperCase()),
  length: fixed(int4, (a) => [...String(a[0])].length),
  char_length: fixed(int4, (a) => [...String(a[0])].length),
  character_length: fixed(int4, (a) => [...String(a[0])].length),
  btrim: fixed(text, (a) => trim(String(a[0]), a[1], 'both')),
  trim: fixed(text, (a) => trim(String(a[0]), a[1], 'both')),
  ltrim: fixed(text, (a) => trim(String(a[0]), a[1], 'leading')),
  rtrim: fixed(text, (a) => trim(String(a[0]), a[1], 'trailing')),
  substring: fixed(text, (a) =>
    substring(String(a[0]), Number(a[1] ?? 1), a[2] === undefined ? undefined : Number(a[2])),
  ),
  substr: fixed(text, (a) =>
    substring(String(a[0]), Number(a[1] ?? 1), a[2] === undefined ? undefined : Number(a[2])),
  ),
  left: fixed(text, (a) => {
    const n = Number(a[1]);
    return n >= 0 ? String(a[0]).slice(0, n) : String(a[0]).slice(0, n);
  }),
  right: fixed(text, (a) => {
    const n = Number(a[1]);
    return n >= 0 ? String(a[0]).slice(-n || String(a[0]).length) : String(a[0]).slice(-n);
  }),
  replace: fixed(text, (a) => String(a[0]).split(String(a[1])).join(String(a[2]))),
  strpos: fixed(int4, (a) => String(a[0]).indexOf(String(a[1])) + 1),
  position: fixed(int4, (a) => String(a[1]).indexOf(String(a[0])) + 1),
  split_part: fixed(text, (a) => String(a[0]).split(String(a[1]))[Number(a[2]) - 1] ?? ''),
  starts_with: fixed(bool, (a) => String(a[0]).startsWith(String(a[1]))),
  concat: fixed(
    text,
    (a, ctx, t) => a.map((v, i) => (v === null ? '' : renderText(v, t[i]!, ctx.catalog))).join(''),
    true,
  ),
  concat_ws: fixed(
    text,
    (a, ctx, t) =>
      a[0] === null
        ? null
        : a
            .slice(1)
            .map((v, i) => (v === null ? null : renderText(v, t[i + 1]!, ctx.catalog)))
            .filter((v) => v !== null)
            .join(String(a[0])),
    true,
  ),
  abs: { ret: (t) => t[0] ?? int4, call: (a) => Math.abs(Number(a[0])) },
  pg_table_size: always(int8, 0),
  pg_relation_size: always(int8, 0),
  pg_total_relation_size: always(int8, 0),
  pg_indexes_size: always(int8, 0),
  pg_relation_is_publishable: fixed(
    bool,
    (a, ctx) => ctx.catalog.classByOid(Number(a[0]))?.namespace === 2200,
  ),
  pg_tablespace_location: always(text, ''),
  inet_server_addr: always(pgType('inet'), null),
  inet_server_port: always(int4, null),
  inet_client_addr: always(pgType('inet'), null),
  inet_client_port: always(int4, null),
  server_version: always(text, SERVER_VERSION),
  // The one object with a comment in a fresh PostgreSQL database that flowlens has too.
  obj_description: fixed(
    text,
    (a) => (Number(a[0]) === 2200 && a[1] === 'pg_namespace' ? 'standard public schema' : null),
    true,
  ),
};

/** Functions that always answer NULL here: definitions and comments of objects flowlens has none of. */
for (const fn of [
  'pg_get_expr',
  'pg_get_constraintdef',
  'pg_get_indexdef',
  'pg_get_viewdef',
  'pg_get_triggerdef',
  'pg_get_ruledef',
  'pg_get_functiondef',
  'pg_get_function_arguments',
  'pg_get_function_identity_arguments',
  'pg_get_function_result',
  'pg_get_statisticsobjdef_columns',
  'pg_get_partkeydef',
  'pg_get_serial_sequence',
  'col_description',
  'shobj_description',
])
  functions[fn] = always(text, null);

/** Privilege checks: the session may read everything it can see. */
for (const fn of [
  'has_table_privilege',
  'has_schema_privilege',
  'has_database_privilege',
  'has_column_privilege',
  'has_any_column_privilege',
  'has_function_privilege',
  'has_sequence_privilege',
  'has_type_privilege',
  'pg_has_role',
])
  functions[fn] = always(bool, true);

const startTime = Date.now();

function elemType(type: PgType): PgType {
  return type.elem === undefined ? text : (arrayElement(type) ?? text);
}

function arrayElement(type: PgType): PgType | undefined {
  for (const t of [text, name, int4, int8, bool]) if (t.oid === type.elem) return t;
  return undefined;
}

/** The schemas of search_path that exist ($user has no schema here), pg_catalog first when implicit. */
function searchPath(ctx: EvalContext, implicit: boolean): string[] {
  const path = (settingValue(ctx.session, 'search_path') ?? '')
    .split(',')
    .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
    .filter((s) => ['public', 'pg_catalog', 'information_schema'].includes(s));
  if (implicit && !path.includes('pg_catalog')) path.unshift('pg_catalog');
  return path;
}

function trim(s: string, chars: CVal | undefined, where: 'both' | 'leading' | 'trailing'): string {
  const set = new Set(chars === undefined || chars === null ? ' ' : String(chars));
  let start = 0;
  let end = s.length;
  if (where !== 'trailing') while (start < end && set.has(s[start]!)) start++;
  if (where !== 'leading') while (end > start && set.has(s[end - 1]!)) end--;
  return s.slice(start, end);
}

function substring(s: string, from: number, count: number | undefined): string {
  const chars = [...s];
  const start = Math.max(from, 1);
  const end = count === undefined ? chars.length + 1 : from + count;
  return chars.slice(start - 1, Math.max(start - 1, end - 1)).join('');
}

/** pg_size_pretty: bytes below 10 kB, then kB, MB, GB, TB, PB, each rounded half up. */
function sizePretty(size: number): string {
  const limit = 10 * 1024;
  const limit2 = limit * 2 - 1;
  if (Math.abs(size) < limit) return `${size} bytes`;
  const half = (x: number) => Math.trunc((x + (x < 0 ? -1 : 1)) / 2);
  let s = Math.trunc(size / 512);
  for (const unit of ['kB', 'MB', 'GB', 'TB']) {
    if (Math.abs(s) < limit2) return `${half(s)} ${unit}`;
    s = Math.trunc(s / 1024);
  }
  return `${half(s)} PB`;
}

export const aggregateNames = new Set([
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'string_agg',
  'array_agg',
  'bool_and',
  'bool_or',
  'every',
]);
