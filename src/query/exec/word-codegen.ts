import type { Expr } from '../plan/plan.js';
import type { KernelBuilder } from './kernel-builder.js';
import type { WordEncoding } from './key-layout.js';
import type { RowCodegen } from './row-codegen.js';

/** Statements that put a per-row value's key words (key-layout.ts) into fresh consts. */
export interface WordsCode {
  readonly stmts: string[];
  readonly names: string[];
  /** For text: the string table the code indexes in this job. */
  readonly table: string | undefined;
}

export function wordsOf(
  b: KernelBuilder,
  rc: RowCodegen,
  e: Expr,
  enc: WordEncoding,
  row: string,
  prefix: string,
): WordsCode {
  const name = (j: number) => `${prefix}${j}`;
  switch (enc) {
    case 'u32':
      return { stmts: [`const ${name(0)} = ${rc.num(e, row)} | 0;`], names: [name(0)], table: undefined };
    case 'bool':
      return {
        stmts: [`const ${name(0)} = ${rc.bool(e, row)} ? 1 : 0;`],
        names: [name(0)],
        table: undefined,
      };
    case 'f64':
      return {
        stmts: [`F[0] = ${rc.num(e, row)} + 0;`, `const ${name(0)} = FW[0], ${name(1)} = FW[1];`],
        names: [name(0), name(1)],
        table: undefined,
      };
    case 'text': {
      const t = rc.code(e, row);
      return { stmts: [`const ${name(0)} = ${t.code};`], names: [name(0)], table: t.table };
    }
    case 'addr': {
      const column = (e as { name: string }).name;
      const w = b.words(column);
      const at = `${prefix}at`;
      const names = [0, 1, 2, 3].map(name);
      return {
        stmts: [
          `const ${at} = ${rc.slot(column, row)} << 2;`,
          ...names.map((n, j) => `const ${n} = ${w}[${at} + ${j}];`),
        ],
        names,
        table: undefined,
      };
    }
    case 'inet': {
      const x = rc.inet(e, row);
      const names = [0, 1, 2, 3, 4].map(name);
      return {
        stmts: [
          `const ${prefix}w = rt.inetWords(${x.arr}, ${x.off}, ${x.bits});`,
          ...names.map((n, j) => `const ${n} = ${prefix}w[${j}];`),
        ],
        names,
        table: undefined,
      };
    }
  }
}
