import { type Fields, names, nodeBody, nodeType } from './ast.js';

/**
 * The name PostgreSQL gives an output column without an alias (FigureColname): the column's
 * name, the function's, the cast's type, "case", "coalesce", … else ?column?.
 */
export function outputName(node: unknown): string {
  return figure(node, 0)[0] ?? '?column?';
}

const sqlValueFunctionNames: Readonly<Record<string, string>> = {
  SVFOP_CURRENT_DATE: 'current_date',
  SVFOP_CURRENT_TIME: 'current_time',
  SVFOP_CURRENT_TIME_N: 'current_time',
  SVFOP_CURRENT_TIMESTAMP: 'current_timestamp',
  SVFOP_CURRENT_TIMESTAMP_N: 'current_timestamp',
  SVFOP_LOCALTIME: 'localtime',
  SVFOP_LOCALTIME_N: 'localtime',
  SVFOP_LOCALTIMESTAMP: 'localtimestamp',
  SVFOP_LOCALTIMESTAMP_N: 'localtimestamp',
  SVFOP_CURRENT_ROLE: 'current_role',
  SVFOP_CURRENT_USER: 'current_user',
  SVFOP_USER: 'user',
  SVFOP_SESSION_USER: 'session_user',
  SVFOP_CURRENT_CATALOG: 'current_catalog',
  SVFOP_CURRENT_SCHEMA: 'current_schema',
};

/** [name, strength]: 2 for a real name, 1 for a fallback a cast may override. */
function figure(node: unknown, depth: number): [string | undefined, number] {
  // A CASE without ELSE has no defresult.
  if (depth > 200 || node === undefined || node === null) return [undefined, 0];
  const body: Fields = nodeBody(node);
  switch (nodeType(node)) {
    case 'ColumnRef': {
      const parts = names(body.fields);
      const last = parts[parts.length - 1];
      return last === undefined || last === '*' ? [undefined, 0] : [last, 2];
    }
    case 'FuncCall': {
      const parts = names(body.funcname);
      return [parts[parts.length - 1], 2];
    }
    case 'A_Expr':
      return body.kind === 'AEXPR_NULLIF' ? ['nullif', 2] : [undefined, 0];
    case 'TypeCast': {
      const [name, strength] = figure(body.arg, depth + 1);
      if (strength > 1) return [name, strength];
      const typeNames = names((body.typeName as Fields | undefined)?.names);
      return [typeNames[typeNames.length - 1], 1];
    }
    case 'CaseExpr': {
      const [name, strength] = figure(body.defresult, depth + 1);
      return strength > 1 ? [name, strength] : ['case', 1];
    }
    case 'CoalesceExpr':
      return ['coalesce', 2];
    case 'MinMaxExpr':
      return [body.op === 'IS_GREATEST' ? 'greatest' : 'least', 2];
    case 'SQLValueFunction':
      return [sqlValueFunctionNames[String(body.op)], 2];
    case 'A_ArrayExpr':
      return ['array', 2];
    case 'RowExpr':
      return ['row', 2];
    default:
      return [undefined, 0];
  }
}
