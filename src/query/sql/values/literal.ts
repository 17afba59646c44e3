import { QueryError, SqlState } from '../../errors.js';
import type { CidrValue } from '../../plan/plan.js';
import type { SqlType } from '../../sql-types.js';
import { formatTimestamp } from '../../text-format.js';
import { typeDisplayName } from '../errors.js';
import type { IntervalValue, IrValue } from '../ir.js';
import { formatInet, inetToText, parseInet } from './inet.js';
import { formatIntervalValue, parseInterval } from './interval.js';
import { parseTimestamp } from './timestamp.js';

/**
 * Text → value of a type, as PostgreSQL's input functions read it: string literals given a type
 * by context or a cast, and parameter values. Errors are QueryErrors without a position (the
 * caller knows where the text came from).
 */

export interface TextInputOptions {
  readonly now: number;
  /** For interval '5' minute. */
  readonly typmod?: number | undefined;
  /** For `timestamp '…'`: a written zone is ignored, as for PostgreSQL's timestamp type. */
  readonly withoutZone?: boolean | undefined;
}

const intRange: Readonly<Record<string, number>> = {
  int2: 32767,
  int4: 2147483647,
  int8: 2 ** 63, // as close as a double gets
};

export function invalidInput(type: SqlType, text: string): QueryError {
  return new QueryError(
    SqlState.invalidTextRepresentation,
    `invalid input syntax for type ${typeDisplayName[type]}: "${text}"`,
  );
}

export function parseTextAs(text: string, type: SqlType, options: TextInputOptions): IrValue {
  switch (type) {
    case 'text':
    case 'unknown':
      return text;
    case 'int2':
    case 'int4':
    case 'int8': {
      if (!/^\s*[+-]?\d+\s*$/.test(text)) throw invalidInput(type, text);
      const value = Number(text);
      if (value > intRange[type]! || value < -intRange[type]! - 1) {
        throw new QueryError(
          SqlState.numericValueOutOfRange,
          `value "${text.trim()}" is out of range for type ${typeDisplayName[type]}`,
        );
      }
      return value + 0;
    }
    case 'numeric':
    case 'float8': {
      const value = parseNumber(text);
      if (value === undefined) throw invalidInput(type, text);
      return value;
    }
    case 'bool': {
      const value = parseBool(text);
      if (value === undefined) throw invalidInput(type, text);
      return value;
    }
    case 'inet':
    case 'cidr':
      return parseInetText(text, type);
    case 'macaddr': {
      const value = parseMacaddr(text);
      if (value === undefined) throw invalidInput(type, text);
      return value;
    }
    case 'timestamptz': {
      const r = parseTimestamp(text, options.now, options.withoutZone);
      if (r.ok) return r.ms;
      if (r.outOfRange) {
        throw new QueryError(SqlState.datetimeFieldOverflow, `date/time field value out of range: "${text}"`);
      }
      throw invalidInput(type, text);
    }
    case 'interval': {
      const value = parseInterval(text, options.typmod);
      if (value === undefined) throw invalidInput(type, text);
      return value;
    }
  }
}

function parseInetText(text: string, type: 'inet' | 'cidr'): CidrValue {
  const value = parseInet(text, type === 'cidr');
  if (value !== undefined) return value;
  if (type === 'cidr' && parseInet(text, false) !== undefined && text.includes('/')) {
    throw new QueryError(SqlState.invalidTextRepresentation, `invalid cidr value: "${text}"`);
  }
  throw invalidInput(type, text);
}

function parseNumber(text: string): number | undefined {
  const s = text.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s) + 0;
  const lower = s.toLowerCase();
  if (lower === 'nan') return Number.NaN;
  if (/^[+]?inf(inity)?$/.test(lower)) return Number.POSITIVE_INFINITY;
  if (/^-inf(inity)?$/.test(lower)) return Number.NEGATIVE_INFINITY;
  return undefined;
}

const boolWords: readonly [string, boolean][] = [
  ['true', true],
  ['false', false],
  ['yes', true],
  ['no', false],
  ['on', true],
  ['off', false],
];

/** PostgreSQL's boolin: t/f/1/0 and unique prefixes of true/false/yes/no, 'on'/'off' (2+ letters). */
export function parseBool(text: string): boolean | undefined {
  const s = text.trim().toLowerCase();
  if (s === '1') return true;
  if (s === '0') return false;
  if (s === '') return undefined;
  if (s === 'o') return undefined;
  const matches = boolWords.filter(([word]) => word.startsWith(s));
  return matches.length === 1 ? matches[0]![1] : undefined;
}

/** 08:00:2b:01:02:03, 08-00-2b-01-02-03, 08002b:010203, 08002b-010203, 0800.2b01.0203, 08002b010203. */
export function parseMacaddr(text: string): number | undefined {
  const s = text.trim().toLowerCase();
  const forms = [
    /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/,
    /^([0-9a-f]{6})[:-]?([0-9a-f]{6})$/,
    /^([0-9a-f]{4})\.([0-9a-f]{4})\.([0-9a-f]{4})$/,
  ];
  for (const form of forms) {
    const m = form.exec(s);
    if (m !== null) return Number.parseInt(m.slice(1).join(''), 16);
  }
  return undefined;
}

export function formatMacaddr(value: number): string {
  return value
    .toString(16)
    .padStart(12, '0')
    .replace(/(..)(?!$)/g, '$1:');
}

/** A value's text form, as a cast to text gives it. */
export function valueToText(value: IrValue, type: SqlType): string | null {
  if (value === null) return null;
  switch (type) {
    case 'bool':
      return value ? 'true' : 'false';
    case 'float8':
    case 'numeric':
      return formatNumber(value as number);
    case 'inet':
      return inetToText(value as CidrValue);
    case 'cidr':
      return formatInet(value as CidrValue, true);
    case 'macaddr':
      return formatMacaddr(value as number);
    case 'timestamptz':
      return formatTimestamp(value as number);
    case 'interval':
      return formatIntervalValue(value as IntervalValue);
    default:
      return String(value);
  }
}

function formatNumber(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  return String(x);
}
