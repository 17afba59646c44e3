/**
 * Where an error's position falls in a statement, as psql shows it: the line (1-based) and that
 * line cut around the character. `position` counts characters (code points, as PostgreSQL and
 * the API do) from 1.
 */
export interface Caret {
  readonly line: number;
  readonly before: string;
  /** The token starting at the position (a word, a quoted name or string, else one character); a space past the end. */
  readonly at: string;
  readonly after: string;
}

export function caretOf(sql: string, position: number): Caret | undefined {
  const chars = Array.from(sql);
  if (!Number.isInteger(position) || position < 1 || position > chars.length + 1) return undefined;
  const index = position - 1;
  let start = index;
  while (start > 0 && chars[start - 1] !== '\n') start--;
  let end = index;
  while (end < chars.length && chars[end] !== '\n') end++;
  let line = 1;
  for (let i = 0; i < start; i++) if (chars[i] === '\n') line++;
  const stop = tokenEnd(chars, index, end);
  return {
    line,
    before: chars.slice(start, index).join(''),
    at: stop > index ? chars.slice(index, stop).join('') : ' ',
    after: chars.slice(stop, end).join(''),
  };
}

function tokenEnd(chars: readonly string[], index: number, end: number): number {
  if (index >= end) return index;
  const c = chars[index]!;
  if (c === "'" || c === '"') {
    const close = chars.indexOf(c, index + 1);
    return close < 0 || close >= end ? end : close + 1;
  }
  let i = index;
  while (i < end && /[\p{L}\p{N}_$]/u.test(chars[i]!)) i++;
  return i > index ? i : index + 1;
}
