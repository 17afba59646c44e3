import type { QueryResult } from '../query/api.js';
import type { SqlType } from '../query/sql-types.js';
import { formatValue } from '../query/text-format.js';

const numeric = new Set<SqlType>(['int2', 'int4', 'int8', 'numeric', 'float8']);

/**
 * A result in psql's aligned format: centred column names, a dashed separator, numbers aligned
 * right and everything else left, NULL as an empty cell, and "(N rows)". Cells are PostgreSQL's
 * text output; a line break inside a cell is shown as \n to keep the rows one line each. A
 * statement without columns (SET) prints its command tag, as psql does. The last column is not
 * padded, so lines carry no trailing blanks.
 */
export function formatTable(result: QueryResult): string {
  if (result.fields.length === 0) return `${result.command}\n`;
  const cells = result.rows.map((row) =>
    result.fields.map((f, c) => (formatValue(row[c] ?? null, f.type) ?? '').replaceAll('\n', '\\n')),
  );
  const widths = result.fields.map((f, c) =>
    cells.reduce((w, row) => Math.max(w, length(row[c]!)), length(f.name)),
  );
  const right = result.fields.map((f) => numeric.has(f.type));
  const last = widths.length - 1;
  // An empty last cell would leave the separator's blank at the end of the line.
  const line = (parts: string[]) => {
    const text = ` ${parts.join(' | ')}`;
    return parts[last] === '' ? text.trimEnd() : text;
  };
  const out = [
    line(result.fields.map((f, c) => centre(f.name, widths[c]!, c === last))),
    widths.map((w) => '-'.repeat(w + 2)).join('+'),
    ...cells.map((row) => line(row.map((text, c) => pad(text, widths[c]!, right[c]!, c === last)))),
    `(${result.rows.length} ${result.rows.length === 1 ? 'row' : 'rows'})`,
  ];
  return `${out.join('\n')}\n\n`;
}

/** Display length in code points (a surrogate pair is one character). */
function length(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

/** Padded to `width`; the last column gets no trailing blanks. */
function pad(text: string, width: number, right: boolean, last: boolean): string {
  if (last && text === '') return '';
  const fill = ' '.repeat(width - length(text));
  return right ? fill + text : last ? text : text + fill;
}

function centre(text: string, width: number, last: boolean): string {
  const spare = width - length(text);
  const left = Math.floor(spare / 2);
  return ' '.repeat(left) + text + (last ? '' : ' '.repeat(spare - left));
}
