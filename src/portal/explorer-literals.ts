import { dimensionOf } from './explorer-dimensions.js';

/**
 * Values written into the Explorer's SQL. Numbers of numeric columns go bare when they are plain
 * digits; everything else is a string literal with quotes doubled, which the engine types from the
 * column it meets (`protocol = '6'` reads a smallint, `src_addr <<= '10.0.0.0/8'` an inet), so no
 * value can change the statement's shape.
 */
export function sqlLiteral(column: string, value: string | number | boolean): string {
  const text = String(value);
  if (dimensionOf(column)?.kind === 'number' && /^\d{1,15}$/.test(text)) return text;
  return quote(text);
}

export function quote(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/** A timestamp literal in UTC (the engine reads ISO 8601 with Z). */
export function timeLiteral(ms: number): string {
  return `'${new Date(ms).toISOString()}'`;
}
