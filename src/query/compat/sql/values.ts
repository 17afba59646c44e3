import { scanSync } from 'libpg-query';
import { QueryError, SqlState } from '../../errors.js';
import type { CVal } from '../catalog/catalog.js';

export function invalidInput(type: string, text: string): QueryError {
  return new QueryError(
    SqlState.invalidTextRepresentation,
    `invalid input syntax for type ${type}: "${text}"`,
  );
}

/** SQL three-valued truth: null stays null, anything else must be a boolean. */
export function truth(v: CVal): boolean | null {
  if (v === null) return null;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') return parseBool(v);
  return Boolean(v);
}

export function parseBool(text: string): boolean {
  const t = text.trim().toLowerCase();
  if (['t', 'true', 'y', 'yes', 'on', '1'].includes(t)) return true;
  if (['f', 'false', 'n', 'no', 'off', '0'].includes(t)) return false;
  throw invalidInput('boolean', text);
}

/**
 * Compares two non-null values the way PostgreSQL would after resolving an untyped literal to the
 * other side's type: a number against a string compares numerically, a boolean against a string
 * as a boolean; strings compare by code point (the C collation).
 */
export function compare(a: CVal, b: CVal): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
  if (Array.isArray(a) || Array.isArray(b)) return compareArrays(asArray(a), asArray(b));
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(toBool(a)) - Number(toBool(b));
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' || typeof b === 'string') {
    const x = toNumber(a);
    const y = toNumber(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function toBool(v: Exclude<CVal, null>): boolean {
  return typeof v === 'string' ? parseBool(v) : Boolean(v);
}

function toNumber(v: Exclude<CVal, null>): number | bigint {
  if (typeof v !== 'string') return v as number | bigint;
  const n = Number(v);
  if (v.trim() === '' || Number.isNaN(n)) throw invalidInput('integer', v);
  return n;
}

function asArray(v: Exclude<CVal, null>): CVal[] {
  return Array.isArray(v) ? v : typeof v === 'string' ? parseArrayLiteral(v) : [v];
}

function compareArrays(a: CVal[], b: CVal[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compare(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return a.length - b.length;
}

/** SQL equality: null when either side is null. */
export function equals(a: CVal, b: CVal): boolean | null {
  if (a === null || b === null) return null;
  return compare(a, b) === 0;
}

/** '{a,"b c",NULL}' → ['a', 'b c', null]; '1 2 3' (int2vector / oidvector text) too. */
export function parseArrayLiteral(text: string): CVal[] {
  const t = text.trim();
  if (!t.startsWith('{')) return t === '' ? [] : t.split(/\s+/);
  const out: CVal[] = [];
  let i = 1;
  while (i < t.length && t[i] !== '}') {
    if (t[i] === ',' || t[i] === ' ') {
      i++;
      continue;
    }
    if (t[i] === '"') {
      let s = '';
      i++;
      while (i < t.length && t[i] !== '"') {
        if (t[i] === '\\') i++;
        s += t[i++];
      }
      i++;
      out.push(s);
    } else {
      let j = i;
      while (j < t.length && t[j] !== ',' && t[j] !== '}') j++;
      const raw = t.slice(i, j).trim();
      out.push(raw.toUpperCase() === 'NULL' ? null : raw);
      i = j;
    }
  }
  return out;
}

/** An array in PostgreSQL's text form ('{a,"b c",NULL}'). */
export function formatArray(items: readonly CVal[], render: (v: Exclude<CVal, null>) => string): string {
  const parts = items.map((item) => {
    if (item === null) return 'NULL';
    const s = render(item);
    return s === '' || /[{}",\\\s]/.test(s) || s.toUpperCase() === 'NULL'
      ? `"${s.replace(/[\\"]/g, '\\$&')}"`
      : s;
  });
  return `{${parts.join(',')}}`;
}

/** quote_ident: quotes unless the name is a lower-case identifier that is not a (non-unreserved) keyword. */
export function quoteIdent(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name) && !isKeyword(name)) return name;
  return `"${name.replace(/"/g, '""')}"`;
}

const keywordCache = new Map<string, boolean>();

/** Whether PostgreSQL's grammar reserves the word in some way (anything but an unreserved keyword). */
function isKeyword(word: string): boolean {
  let kw = keywordCache.get(word);
  if (kw === undefined) {
    const tokens = scanSync(word).tokens;
    kw = tokens.length === 1 && tokens[0]!.keywordKind > 1;
    keywordCache.set(word, kw);
  }
  return kw;
}

/** LIKE pattern → RegExp (% any run, _ one character, backslash escapes). */
export function likeRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) re += escapeRegExp(pattern[++i]!);
    else if (ch === '%') re += '[\\s\\S]*';
    else if (ch === '_') re += '[\\s\\S]';
    else re += escapeRegExp(ch);
  }
  return new RegExp(`^${re}$`, caseInsensitive ? 'i' : '');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

const regexCache = new Map<string, RegExp>();

/** A POSIX regular expression as PostgreSQL's ~ takes it (the common subset JavaScript shares). */
export function posixRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  const key = `${caseInsensitive ? 'i' : 's'}${pattern}`;
  let re = regexCache.get(key);
  if (re === undefined) {
    try {
      re = new RegExp(pattern, caseInsensitive ? 'i' : '');
    } catch (err) {
      throw new QueryError(
        SqlState.invalidRegularExpression,
        `invalid regular expression: ${(err as Error).message}`,
      );
    }
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(key, re);
  }
  return re;
}
