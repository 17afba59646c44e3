import type { QueryResult } from '../../query/api.js';
import type { FormatCode } from './frontend-messages.js';
import type { ResultShape } from './result-out.js';

/** A statement prepared with Parse. */
export interface PreparedStatement {
  readonly sql: string;
  /** No statement at all (an empty or comment-only string): Execute answers EmptyQueryResponse. */
  readonly empty: boolean;
  /** Parameter type OIDs the client declared (0 = let the server infer). */
  readonly paramOids: readonly number[];
}

/** A statement bound to parameter values with Bind; it runs once, and Execute pages through it. */
export interface Portal {
  readonly statement: PreparedStatement;
  readonly params: readonly (string | null)[];
  readonly resultFormats: readonly FormatCode[];
  result?: QueryResult;
  shape?: ResultShape;
  /** Rows already sent by earlier Executes. */
  sent: number;
}

/** The CommandComplete tag for a page of `sent` rows of a result tagged `tag`. */
export function pageTag(tag: string, sent: number): string {
  return tag.startsWith('SELECT') ? `SELECT ${sent}` : tag;
}

/**
 * Whether a result is rows (RowDescription, even of no columns: `SELECT FROM t`) rather than a
 * command's completion alone (SET, BEGIN, … : NoData when described).
 */
export function returnsRows(result: QueryResult): boolean {
  return result.fields.length > 0 || /^(SELECT|SHOW)\b/.test(result.command);
}
