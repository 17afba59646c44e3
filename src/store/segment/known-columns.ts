import { type ColumnDef, flowColumns, interfaceCounterColumns, rollupColumns } from '../../flow/schema.js';

/**
 * Columns of the schemas this build knows, by name: a segment stores names and types but not
 * descriptions, and a segment written before a column existed reads that column as zeroes.
 */
const known = new Map<string, ColumnDef>();
for (const col of [...interfaceCounterColumns, ...rollupColumns, ...flowColumns]) known.set(col.name, col);

export function knownColumn(name: string): ColumnDef | undefined {
  return known.get(name);
}

export function describeColumn(name: string): string {
  return known.get(name)?.description ?? '';
}
