/**
 * Small accessors over libpg-query's JSON AST, which is a tree of single-key objects
 * ({ SelectStmt: {...} }, { ColumnRef: {...} }, …).
 */

// biome-ignore lint/suspicious/noExplicitAny: libpg-query's nodes are untyped JSON here
export type Node = Record<string, any>;

/** The node's tag and body: { ColumnRef: b } → ['ColumnRef', b]. */
export function tagOf(node: Node): [string, Node] {
  const key = Object.keys(node)[0]!;
  return [key, node[key] as Node];
}

/** Strings of a name list ([{ String: { sval } }, …]). */
export function names(list: readonly Node[] | undefined): string[] {
  return (list ?? []).map(
    (n) => (n.String?.sval as string | undefined) ?? (n.A_Star !== undefined ? '*' : ''),
  );
}

/** The last element of a qualified function or type name, without a pg_catalog prefix. */
export function baseName(list: readonly Node[] | undefined): string {
  const all = names(list);
  return all[all.length - 1] ?? '';
}

/** An A_Const's JavaScript value (numbers as numbers, strings as strings, NULL as null). */
export function constValue(c: Node): null | boolean | number | bigint | string {
  if (c.isnull) return null;
  if (c.ival !== undefined) return (c.ival.ival as number | undefined) ?? 0;
  if (c.fval !== undefined) {
    // Integers stay exact: int8, or numeric past it.
    const text = c.fval.fval as string;
    if (!/^-?\d+$/.test(text)) return Number(text);
    return Number.isSafeInteger(Number(text)) ? Number(text) : BigInt(text);
  }
  if (c.sval !== undefined) return (c.sval.sval as string | undefined) ?? '';
  if (c.boolval !== undefined) return (c.boolval.boolval as boolean | undefined) ?? false;
  if (c.bsval !== undefined) return c.bsval.bsval as string;
  return null;
}

const int8Min = -(2n ** 63n);
const int8Max = 2n ** 63n - 1n;

/**
 * A numeric literal's value when PostgreSQL reads it as an integer (int8): libpg-query delivers
 * integers past int4 as Float nodes, and PostgreSQL decides by their text whether they fit int8
 * (make_const in parse_node.c); past that, and with a fraction or exponent, they are numeric.
 */
export function integerLiteral(text: string | undefined): bigint | undefined {
  if (text === undefined || !/^-?\d+$/.test(text)) return undefined;
  const value = BigInt(text);
  return value >= int8Min && value <= int8Max ? value : undefined;
}

/** Whether an A_Const is a typed-unknown string literal ('abc'), as opposed to a number. */
export function isStringConst(c: Node): boolean {
  return c.sval !== undefined;
}

/** Every RangeVar in a statement, subqueries included. */
export function rangeVars(node: unknown, out: Node[] = []): Node[] {
  if (Array.isArray(node)) {
    for (const n of node) rangeVars(n, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === 'RangeVar') out.push(value as Node);
      rangeVars(value, out);
    }
  }
  return out;
}
