/**
 * Small helpers over libpg-query's JSON AST: every node is an object with one key, the node's
 * type (`{ ColumnRef: { fields, location } }`).
 */
export type AstNode = Record<string, unknown>;
export type Fields = Record<string, unknown>;

export function nodeType(node: unknown): string {
  if (node === null || typeof node !== 'object') return '';
  const keys = Object.keys(node);
  return keys.length === 1 ? keys[0]! : '';
}

export function nodeBody(node: unknown): Fields {
  return (node as AstNode)[nodeType(node)] as Fields;
}

/** The sval of each String node of a list (names, qualified names); '*' for A_Star. */
export function names(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.map((n) => {
    const t = nodeType(n);
    if (t === 'String') return String((nodeBody(n).sval as string | undefined) ?? '');
    if (t === 'A_Star') return '*';
    return '';
  });
}

/** The smallest location anywhere inside a node (for nodes that carry none themselves). */
export function firstLocation(node: unknown, depth = 0): number {
  if (node === null || typeof node !== 'object' || depth > 50) return -1;
  let best = -1;
  for (const [key, value] of Object.entries(node)) {
    if (key === 'location' && typeof value === 'number' && value >= 0) {
      if (best < 0 || value < best) best = value;
    } else if (value !== null && typeof value === 'object') {
      const inner = firstLocation(value, depth + 1);
      if (inner >= 0 && (best < 0 || inner < best)) best = inner;
    }
  }
  return best;
}

export function location(node: unknown): number {
  const body = nodeBody(node);
  const loc = body?.location;
  return typeof loc === 'number' && loc >= 0 ? loc : firstLocation(node);
}

/** A_Const's integer value, or undefined when the node is not an integer constant. */
export function integerConst(node: unknown): number | undefined {
  if (nodeType(node) !== 'A_Const') return undefined;
  const c = nodeBody(node);
  if (c.ival === undefined) return undefined;
  return ((c.ival as { ival?: number }).ival ?? 0) + 0;
}
