import { SqlState } from '../errors.js';
import type { ScalarFn } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import type { Fields } from './ast.js';
import { call, mayBeNull } from './build.js';
import { castTo, relocate, resolveUnknown, tryCoerce } from './coerce.js';
import type { ExprContext } from './context.js';
import { typeDisplayName } from './errors.js';
import type { Analyze } from './expr.js';
import { constant, type Ir, isConst } from './ir.js';
import { isInet, isInteger, isNumber } from './types.js';
import { intervalMs } from './values/interval.js';
import { dateTruncUnits } from './values/timestamp.js';

/** Scalar functions: now(), date_trunc, time_bucket, date_part/extract, inet and text functions, math. */

/** The units and fields the executor implements per row (others fold over constants only). */
const rowDateTruncUnits = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const rowDatePartFields = new Set(['epoch', 'year', 'month', 'day', 'hour', 'minute', 'second', 'dow']);

const nowNames = new Set(['now', 'transaction_timestamp', 'statement_timestamp', 'clock_timestamp']);

/** Functions PostgreSQL has that flowlens does not run: refused as unsupported rather than unknown. */
const knownUnsupported = new Set([
  'to_char',
  'to_timestamp',
  'substring',
  'substr',
  'replace',
  'split_part',
  'regexp_replace',
  'regexp_match',
  'trim',
  'btrim',
  'ltrim',
  'rtrim',
  'left',
  'right',
  'position',
  'strpos',
  'power',
  'sqrt',
  'ln',
  'log',
  'exp',
  'trunc',
  'sign',
  'random',
  'broadcast',
  'netmask',
  'hostmask',
  'abbrev',
  'inet_same_family',
  'inet_merge',
  'age',
  'date_bin',
  'make_interval',
  'justify_hours',
  'to_date',
  'format',
]);

export function analyzeFunction(
  fname: string[],
  body: Fields,
  sub: Analyze,
  cx: ExprContext,
  loc: number,
): Ir {
  const name = fname[fname.length - 1]!;
  const schema = fname.length > 1 ? fname[0] : undefined;
  const argNodes = (body.args as unknown[] | undefined) ?? [];
  if (body.agg_filter !== undefined || body.agg_within_group === true || body.agg_distinct === true) {
    throw cx.site.at(
      SqlState.datatypeMismatch,
      `${body.agg_filter !== undefined ? 'FILTER' : body.agg_distinct ? 'DISTINCT' : 'WITHIN GROUP'} specified, but ${name} is not an aggregate function`,
      loc,
    );
  }
  const args = argNodes.map((a) => sub(a));
  const signature = () => `${name}(${args.map((a) => typeDisplayName[a.type]).join(', ')})`;
  const noSuch = (code: typeof SqlState.undefinedFunction | typeof SqlState.datatypeMismatch) =>
    cx.site.at(
      code,
      `function ${signature()} does not exist`,
      loc,
      'No function matches the given name and argument types.',
    );
  if (schema !== undefined && schema !== 'pg_catalog') throw noSuch(SqlState.undefinedFunction);
  try {
    const result = scalar(name, args, cx, loc);
    if (result === 'unknown function') {
      if (knownUnsupported.has(name)) {
        throw cx.site.at(SqlState.featureNotSupported, `function ${name} is not supported`, loc);
      }
      throw noSuch(SqlState.undefinedFunction);
    }
    if (result === 'bad arguments') throw noSuch(SqlState.datatypeMismatch);
    return result;
  } catch (err) {
    throw relocate(err, cx, loc);
  }
}

type Outcome = Ir | 'unknown function' | 'bad arguments';

function scalar(name: string, args: Ir[], cx: ExprContext, loc: number): Outcome {
  const arity = (n: number) => args.length === n;
  const as = (i: number, type: SqlType) => tryCoerce(args[i]!, type, cx);
  if (nowNames.has(name)) return arity(0) ? constant('timestamptz', cx.now, loc) : 'bad arguments';
  switch (name) {
    case 'date_trunc':
    case 'date_part':
    case 'extract': {
      if (!arity(2)) return 'bad arguments';
      const unit = as(0, 'text');
      const ts = as(1, 'timestamptz');
      if (unit === undefined || ts === undefined) return 'bad arguments';
      return timeField(name, unit, ts, cx, loc);
    }
    case 'time_bucket': {
      if (!arity(2)) return 'bad arguments';
      const width = as(0, 'interval');
      const ts = as(1, 'timestamptz');
      if (width === undefined || ts === undefined) return 'bad arguments';
      return timeBucket(width, ts, cx, loc);
    }
    case 'host':
    case 'masklen':
    case 'family':
    case 'network': {
      const a = args[0];
      if (!arity(1) || a === undefined) return 'bad arguments';
      const addr = a.kind === 'unknown' ? resolveUnknown(a, 'inet', cx) : a;
      if (!isInet(addr.type)) return 'bad arguments';
      const type: SqlType = name === 'host' ? 'text' : name === 'network' ? 'cidr' : 'int4';
      return call(name, [addr], type, loc);
    }
    case 'set_masklen': {
      if (!arity(2)) return 'bad arguments';
      const a = args[0]!;
      const addr = a.kind === 'unknown' ? resolveUnknown(a, 'inet', cx) : a;
      const bits = as(1, 'int4');
      if (!isInet(addr.type) || bits === undefined || !isInteger(bits.type)) return 'bad arguments';
      if (!isConst(bits)) {
        throw cx.site.at(SqlState.featureNotSupported, "set_masklen's length must be a constant", bits.loc);
      }
      return call('set_masklen', [addr, bits], addr.type, loc);
    }
    case 'lower':
    case 'upper':
    case 'length':
    case 'char_length':
    case 'character_length': {
      const text = arity(1) ? as(0, 'text') : undefined;
      if (text === undefined || text.type !== 'text') return 'bad arguments';
      const fn: ScalarFn = name === 'lower' ? 'lower' : name === 'upper' ? 'upper' : 'length';
      return call(fn, [text], fn === 'length' ? 'int4' : 'text', loc);
    }
    case 'concat': {
      const parts = args
        .map((a) => (a.kind === 'unknown' ? resolveUnknown(a, 'text', cx) : a))
        .filter((a) => !(a.kind === 'const' && a.value === null)) // concat() skips NULLs
        .map((a) => (a.type === 'text' ? a : castTo(a, 'text', cx, loc)))
        // A value that may be NULL at run time contributes '' (concat() is not strict).
        .map((a) => (mayBeNull(a) ? call('coalesce', [a, constant('text', '', loc)], 'text', loc) : a));
      if (parts.length === 0) return constant('text', '', loc);
      return parts.slice(1).reduce((acc, p) => call('concat', [acc, p], 'text', loc), parts[0]!);
    }
    case 'abs':
    case 'round':
    case 'floor':
    case 'ceil':
    case 'ceiling':
      return math(name === 'ceiling' ? 'ceil' : name, args, cx, loc);
    default:
      return 'unknown function';
  }
}

function timeField(name: string, unit: Ir, ts: Ir, cx: ExprContext, loc: number): Outcome {
  if (!isConst(unit)) {
    throw cx.site.at(SqlState.featureNotSupported, `${name}'s first argument must be a constant`, unit.loc);
  }
  if (unit.value === null) return constant(name === 'date_trunc' ? 'timestamptz' : 'float8', null, loc);
  const text = String(unit.value).toLowerCase();
  const lowered = constant('text', text, unit.loc);
  if (name === 'date_trunc') {
    const result = call('date_trunc', [lowered, ts], 'timestamptz', loc);
    if (result.kind !== 'const') {
      if (!(dateTruncUnits as readonly string[]).includes(text)) {
        throw cx.site.at(
          SqlState.invalidParameterValue,
          `unit "${text}" not recognized for type timestamp with time zone`,
          unit.loc,
        );
      }
      if (!rowDateTruncUnits.has(text)) {
        throw cx.site.at(SqlState.featureNotSupported, `date_trunc('${text}', …) is not supported`, unit.loc);
      }
    }
    return result;
  }
  const part = call('date_part', [lowered, ts], 'float8', loc);
  if (part.kind !== 'const' && !rowDatePartFields.has(text)) {
    throw cx.site.at(SqlState.featureNotSupported, `${name}(${text} …) is not supported`, unit.loc);
  }
  // extract() is numeric since PostgreSQL 14; date_part() stays double precision.
  return name === 'extract' ? call('cast', [part], 'numeric', loc) : part;
}

function timeBucket(width: Ir, ts: Ir, cx: ExprContext, loc: number): Outcome {
  if (!isConst(width)) {
    throw cx.site.at(SqlState.featureNotSupported, "time_bucket's width must be a constant", width.loc);
  }
  const iv = width.value as { months: number } | null;
  if (iv !== null && iv.months !== 0) {
    throw cx.site.at(
      SqlState.featureNotSupported,
      'time_bucket widths in months or years are not supported',
      width.loc,
    );
  }
  if (iv !== null && !(intervalMs(width.value as never) > 0)) {
    throw cx.site.at(SqlState.invalidParameterValue, 'period must be greater than 0', width.loc);
  }
  return call('time_bucket', [width, ts], 'timestamptz', loc);
}

function math(name: 'abs' | 'round' | 'floor' | 'ceil', args: Ir[], cx: ExprContext, loc: number): Outcome {
  if (args.length === 2 && name === 'round') {
    const x = tryCoerce(args[0]!, 'numeric', cx);
    const digits = tryCoerce(args[1]!, 'int4', cx);
    if (x === undefined || digits === undefined) return 'bad arguments';
    if (!isConst(x) || !isConst(digits)) {
      throw cx.site.at(SqlState.featureNotSupported, 'round(x, digits) is only supported on constants', loc);
    }
    if (x.value === null || digits.value === null) return constant('numeric', null, loc);
    const scale = 10 ** (digits.value as number);
    return constant(
      'numeric',
      (Math.sign(x.value as number) * Math.round(Math.abs(x.value as number) * scale)) / scale,
      loc,
    );
  }
  if (args.length !== 1) return 'bad arguments';
  let x = args[0]!;
  if (x.kind === 'unknown') x = resolveUnknown(x, 'float8', cx);
  if (!isNumber(x.type)) return 'bad arguments';
  // Integers have abs of their own; round/floor/ceil of an integer go through double precision.
  if (name !== 'abs' && isInteger(x.type)) x = tryCoerce(x, 'float8', cx)!;
  return call(name, [x], x.type, loc);
}
