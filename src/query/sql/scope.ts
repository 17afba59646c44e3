import type { TableInfo } from '../api.js';
import { SqlState } from '../errors.js';
import type { ErrorSite } from './errors.js';
import type { IrColumn } from './ir.js';

/** The columns a statement can name: those of its one FROM table, under its name or alias. */
export class Scope {
  constructor(
    readonly table: TableInfo | undefined,
    /** The name the table is referred to by: its alias if it has one, else its name. */
    readonly refName: string,
    private readonly site: ErrorSite,
  ) {}

  has(name: string): boolean {
    return this.table?.columns.some((c) => c.name === name) ?? false;
  }

  column(name: string, loc: number): IrColumn {
    const field = this.table?.columns.find((c) => c.name === name);
    if (field === undefined) {
      throw this.site.at(SqlState.undefinedColumn, `column "${name}" does not exist`, loc);
    }
    return { kind: 'column', name, type: field.type, qualifier: this.refName, loc };
  }

  /** A qualified reference: t.col or public.t.col. */
  qualified(qualifiers: readonly string[], name: string, loc: number): IrColumn {
    const table = qualifiers[qualifiers.length - 1]!;
    const schema = qualifiers.length > 1 ? qualifiers[qualifiers.length - 2] : undefined;
    const matches =
      this.table !== undefined &&
      table === this.refName &&
      (schema === undefined || (schema === 'public' && this.refName === this.table.name));
    if (!matches) {
      throw this.site.at(SqlState.undefinedTable, `missing FROM-clause entry for table "${table}"`, loc);
    }
    if (!this.has(name)) {
      throw this.site.at(SqlState.undefinedColumn, `column ${table}.${name} does not exist`, loc);
    }
    return this.column(name, loc);
  }

  /** Every column, in table order (SELECT *). */
  all(loc: number): IrColumn[] {
    return (this.table?.columns ?? []).map((c) => this.column(c.name, loc));
  }
}
