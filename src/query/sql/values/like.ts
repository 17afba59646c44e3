/**
 * LIKE / ILIKE patterns: % any run, _ one character, backslash escapes the next character. The
 * executor compiles the same patterns; this is for folding constants.
 */
export function likeMatcher(pattern: string, caseInsensitive: boolean): (text: string) => boolean {
  let source = '^';
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (ch === '\\' && i + 1 < chars.length) source += escapeRegex(chars[++i]!);
    else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += escapeRegex(ch);
  }
  const re = new RegExp(`${source}$`, caseInsensitive ? 'sui' : 'su');
  return (text) => re.test(text);
}

function escapeRegex(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}
