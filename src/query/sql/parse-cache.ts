import { type ParsedStatement, parseStatements } from './parser.js';

const ENTRIES = 256;
/** Longer texts are parsed every time: their trees would hold too much memory. */
const MAX_TEXT = 16_384;

/**
 * Parses through a cache keyed by the query text (a dashboard sends the same text again and
 * again, and libpg-query's parse is a fair part of a memo hit's cost): the statements of a text
 * never change, so the same (deep-frozen, shared) statements answer it until evicted, least
 * recently used first. Syntax errors are not cached.
 */
export class ParseCache {
  private readonly entries = new Map<string, readonly ParsedStatement[]>();

  constructor(private readonly capacity = ENTRIES) {}

  parse(sql: string): readonly ParsedStatement[] {
    if (sql.length > MAX_TEXT) return parseStatements(sql);
    let statements = this.entries.get(sql);
    if (statements !== undefined) {
      this.entries.delete(sql);
      this.entries.set(sql, statements);
      return statements;
    }
    statements = deepFreeze(parseStatements(sql));
    if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(sql, statements);
    return statements;
  }
}

/** Shared trees must not be changed by whoever plans them: a change throws (strict mode). */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}
