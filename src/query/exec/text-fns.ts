/** LIKE / ILIKE patterns and text helpers with PostgreSQL's semantics. */

const likeCache = new Map<string, RegExp>();

/** A LIKE pattern as an anchored RegExp: % any run, _ one character, backslash escapes. */
export function likeRegExp(pattern: string, insensitive: boolean): RegExp {
  const cacheKey = `${insensitive ? 'i' : 'c'}${pattern}`;
  let re = likeCache.get(cacheKey);
  if (re !== undefined) return re;
  let src = '^';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) {
      src += escapeRegExp(pattern[++i]!);
    } else if (ch === '%') {
      src += '[\\s\\S]*';
    } else if (ch === '_') {
      src += '[\\s\\S]';
    } else {
      src += escapeRegExp(ch);
    }
  }
  re = new RegExp(`${src}$`, insensitive ? 'iu' : 'u');
  if (likeCache.size > 1000) likeCache.clear();
  likeCache.set(cacheKey, re);
  return re;
}

function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/** Characters (code points), as PostgreSQL's length() counts them in UTF-8. */
export function charLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) n--;
  }
  return n;
}

/** float8 in PostgreSQL's text form (shortest round-trip, 'Infinity', 'NaN', two-digit exponents). */
export function floatText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  return String(x).replace(/e([+-])(\d)$/, 'e$10$2');
}
