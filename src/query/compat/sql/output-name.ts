import { baseName, type Node, names, tagOf } from './ast.js';

/** The column name PostgreSQL gives an unaliased select-list expression (its FigureColname). */
export function outputName(node: Node): string {
  return figure(node)[0];
}

/** [name, strength]: 2 a real name, 1 a type name (a cast's fallback), 0 '?column?'. */
function figure(node: Node): [string, number] {
  const [tag, n] = tagOf(node);
  switch (tag) {
    case 'ColumnRef': {
      const fields = names(n.fields);
      return [fields[fields.length - 1]!, 2];
    }
    case 'A_Indirection': {
      const last = (n.indirection as Node[])[n.indirection.length - 1]!;
      if (last.String !== undefined) return [last.String.sval as string, 2];
      return figure(n.arg);
    }
    case 'FuncCall':
      return [baseName(n.funcname), 2];
    case 'TypeCast': {
      const inner = figure(n.arg);
      if (inner[1] === 2) return inner;
      const typeNames = names(n.typeName.names);
      return [typeNames[typeNames.length - 1]!, 1];
    }
    case 'CollateClause':
      return figure(n.arg);
    case 'CaseExpr':
      return ['case', 1];
    case 'A_ArrayExpr':
      return ['array', 1];
    case 'CoalesceExpr':
      return ['coalesce', 2];
    case 'MinMaxExpr':
      return [n.op === 'IS_GREATEST' ? 'greatest' : 'least', 2];
    case 'RowExpr':
      return ['row', 2];
    case 'SQLValueFunction':
      return [String(n.op).replace('SVFOP_', '').toLowerCase(), 2];
    case 'A_Expr':
      return n.kind === 'AEXPR_NULLIF' ? ['nullif', 2] : ['?column?', 0];
    case 'SubLink':
      if (n.subLinkType === 'EXISTS_SUBLINK') return ['exists', 2];
      if (n.subLinkType === 'ARRAY_SUBLINK') return ['array', 2];
      if (n.subLinkType === 'EXPR_SUBLINK') {
        const first = n.subselect.SelectStmt?.targetList?.[0]?.ResTarget;
        if (first !== undefined) return first.name !== undefined ? [first.name, 2] : figure(first.val);
      }
      return ['?column?', 0];
    default:
      return ['?column?', 0];
  }
}
