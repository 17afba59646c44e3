import type { QueryResult } from '../../query/api.js';
import { formatValue } from '../../query/text-format.js';

/**
 * A query result as CSV (RFC 4180): a header row of column names, then one record per row, CRLF
 * line ends. Cells are PostgreSQL's text output, as `COPY … TO STDOUT (FORMAT csv, HEADER)` writes
 * them: NULL is an empty unquoted field, an empty string is `""`, and a field with a comma, quote,
 * CR or LF is quoted with inner quotes doubled.
 */
export function* csvResultChunks(result: QueryResult, rowsPerChunk = 1000): Generator<string> {
  const types = result.fields.map((f) => f.type);
  yield `${result.fields.map((f) => quote(f.name)).join(',')}\r\n`;
  let chunk = '';
  let n = 0;
  for (const row of result.rows) {
    for (let c = 0; c < types.length; c++) {
      if (c > 0) chunk += ',';
      const text = formatValue(row[c] ?? null, types[c]!);
      if (text !== null) chunk += text === '' ? '""' : quote(text);
    }
    chunk += '\r\n';
    if (++n === rowsPerChunk) {
      yield chunk;
      chunk = '';
      n = 0;
    }
  }
  if (chunk !== '') yield chunk;
}

const special = /[",\r\n]/;

function quote(text: string): string {
  return special.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
