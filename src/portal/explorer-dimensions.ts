import { type ColumnDef, flowColumns } from '../flow/schema.js';

/**
 * The Explorer's dimensions: every flow column a network engineer groups by, derived from the
 * schema (src/flow/schema.ts) so a new column shows up by itself. Left out: times, the byte and
 * packet measures, and the host agent's numeric measurements (latencies, retransmits, windows,
 * lease times), which are metrics rather than keys.
 */

export interface Dimension {
  readonly name: string;
  readonly description: string;
  /** How values are written in SQL: numbers bare, text/addresses as quoted literals. */
  readonly kind: 'number' | 'text' | 'address';
  readonly group: string;
}

export function isDimension(col: ColumnDef): boolean {
  if (col.type === 'time' || col.type === 'u64' || col.rollup === 'measure') return false;
  return !(col.source === 'host' && col.type === 'u32');
}

function groupOf(col: ColumnDef): string {
  if (col.source === 'collector') return 'Device';
  if (col.source === 'host') return 'Application (host agent)';
  if (col.name.startsWith('src_') || col.name.startsWith('l4_src')) return 'Source';
  if (col.name.startsWith('dst_') || col.name.startsWith('l4_dst')) return 'Destination';
  return 'Flow';
}

export const dimensions: readonly Dimension[] = flowColumns.filter(isDimension).map((col) => ({
  name: col.name,
  description: col.description,
  kind: col.type === 'string' || col.type === 'mac' ? 'text' : col.type === 'addr' ? 'address' : 'number',
  group: groupOf(col),
}));

const byName = new Map(dimensions.map((d) => [d.name, d]));

export function dimensionOf(name: string): Dimension | undefined {
  return byName.get(name);
}

/** Every flow column (for filters, which may use measures too), by name. */
export const filterableColumns: ReadonlySet<string> = new Set(
  flowColumns.filter((c) => c.type !== 'time').map((c) => c.name),
);
