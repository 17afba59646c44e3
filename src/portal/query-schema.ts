/**
 * The Query page's schema list: one statement over information_schema (answered by the catalog
 * layer, docs/pg.md), grouped into tables. `all_devices` and the other shared tables come first,
 * then the per-device tables, each in name order.
 */

export const schemaSql =
  "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position";

export interface TableColumns {
  readonly name: string;
  /** The name as SQL needs it: double-quoted unless a plain lower-case identifier. */
  readonly sqlName: string;
  readonly columns: { readonly name: string; readonly type: string }[];
}

const shared = ['all_devices', 'devices', 'metrics'];

export function groupColumns(rows: readonly (readonly unknown[])[]): TableColumns[] {
  const tables = new Map<string, TableColumns>();
  for (const [table, column, type] of rows) {
    const name = String(table);
    let t = tables.get(name);
    if (t === undefined) {
      t = { name, sqlName: identifier(name), columns: [] };
      tables.set(name, t);
    }
    t.columns.push({ name: String(column), type: String(type) });
  }
  const rank = (n: string) => {
    const i = shared.indexOf(n);
    return i >= 0 ? i : n.startsWith('synth_') ? shared.length : shared.length + 1;
  };
  return [...tables.values()].sort(
    (a, b) => rank(a.name) - rank(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0),
  );
}

export function identifier(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name.replace(/"/g, '""')}"`;
}
