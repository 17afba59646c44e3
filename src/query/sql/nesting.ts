/**
 * A cheap upper-bound estimate of how deeply a query's expressions nest, computed on the raw text
 * before parsing: libpg-query recurses natively and overflows its stack on very deep input, and
 * we would rather refuse such a statement than find out. Counts open parentheses plus operators
 * chained at each parenthesis level (a + b + c nests as deep as it is long); commas, AND, OR,
 * CASE's WHEN/THEN/ELSE and clause keywords reset the chain because the parser keeps those flat.
 */

/**
 * The deepest expression nesting flowlens accepts (docs/query.md, "Errors"); deeper is 54001 with
 * tooDeepMessage, whether the estimate on the text or the analysis of the parsed expression finds it.
 * Parentheses count on the text, as does every chained operator.
 */
export const maxNesting = 200;

export const tooDeepMessage = `statement is too complex: expressions are nested more than ${maxNesting} levels deep`;

const OPERATOR = 1;
const WORD = 2;
const DIGIT = 3;

const classes = new Uint8Array(128);
for (const ch of '+-*/<>=~!@#%^&|:') classes[ch.charCodeAt(0)] = OPERATOR;
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[a-zA-Z_]/.test(ch)) classes[c] = WORD;
  else if (/[0-9$]/.test(ch)) classes[c] = DIGIT;
}

const classOf = (code: number) => (code < 128 ? classes[code]! : WORD);

/** Words that separate items of lists the parser keeps flat (AND/OR chains, CASE arms, clauses). */
const flatLists = new Set([
  'and',
  'or',
  'when',
  'then',
  'else',
  'select',
  'from',
  'where',
  'group',
  'having',
  'order',
]);

export function nestingEstimate(sql: string): number {
  const chain: number[] = [0];
  let chained = 0; // sum of chain[]
  let max = 0;
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const code = sql.charCodeAt(i);
    const next = sql.charCodeAt(i + 1);
    if (code === 39 || code === 34) {
      i = skipQuoted(sql, i, code);
      continue;
    }
    if (code === 45 && next === 45) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (code === 47 && next === 42) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    const cls = classOf(code);
    if (code === 40 || code === 91) {
      chain.push(0);
    } else if (code === 41 || code === 93) {
      if (chain.length > 1) chained -= chain.pop()!;
    } else if (code === 44) {
      chained -= chain[chain.length - 1]!;
      chain[chain.length - 1] = 0;
    } else if (cls === OPERATOR) {
      while (i + 1 < n && classOf(sql.charCodeAt(i + 1)) === OPERATOR && !startsComment(sql, i + 1)) i++;
      chain[chain.length - 1]!++;
      chained++;
    } else if (cls === WORD) {
      let end = i + 1;
      while (end < n && classOf(sql.charCodeAt(end)) >= WORD) end++;
      if (end - i <= 6) {
        const word = sql.slice(i, end).toLowerCase();
        if (flatLists.has(word)) {
          chained -= chain[chain.length - 1]!;
          chain[chain.length - 1] = 0;
        } else if (word === 'not') {
          chain[chain.length - 1]!++;
          chained++;
        }
      }
      i = end;
      continue;
    }
    const depth = chain.length - 1 + chained;
    if (depth > max) max = depth;
    i++;
  }
  return max;
}

function startsComment(sql: string, i: number): boolean {
  const a = sql.charCodeAt(i);
  const b = sql.charCodeAt(i + 1);
  return (a === 45 && b === 45) || (a === 47 && b === 42);
}

function skipQuoted(sql: string, i: number, quote: number): number {
  let j = i + 1;
  while (j < sql.length) {
    if (sql.charCodeAt(j) === quote) {
      if (sql.charCodeAt(j + 1) === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return j;
}
