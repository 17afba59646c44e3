import { QueryError, SqlState } from '../../errors.js';
import { formatTimestamp } from '../../text-format.js';
import type { Catalog, CVal } from '../catalog/catalog.js';
import { type PgType, pgTypeByAnyName, pgTypesByOid } from '../pg-types.js';
import { formatArray, invalidInput, parseArrayLiteral, parseBool, quoteIdent } from './values.js';

const integerTypes = new Set(['int2', 'int4', 'int8', 'oid', 'xid', 'regproc']);
const regTypes = new Set(['regclass', 'regtype', 'regnamespace', 'regrole']);
const textTypes = new Set(['text', 'varchar', 'name', 'bpchar', 'char', 'unknown', 'pg_node_tree']);

/** A value of type `from` as type `to` (PostgreSQL's cast rules, for the types the catalog uses). */
export function castValue(value: CVal, from: PgType, to: PgType, catalog: Catalog): CVal {
  if (value === null) return null;
  if (to.elem !== undefined || to.typname === 'int2vector' || to.typname === 'oidvector') {
    const items = Array.isArray(value) ? value : parseArrayLiteral(String(value));
    const elem = pgTypesByOid.get(to.elem ?? (to.typname === 'int2vector' ? 21 : 26))!;
    const elemFrom = from.elem === undefined ? pgTypesByOid.get(25)! : pgTypesByOid.get(from.elem)!;
    return items.map((item) => castValue(item, elemFrom, elem, catalog));
  }
  if (textTypes.has(to.typname)) {
    const text = renderText(value, from, catalog);
    if (to.typname === 'name') return text.slice(0, 63);
    if (to.typname === 'char') return text.slice(0, 1);
    return text;
  }
  if (integerTypes.has(to.typname) || regTypes.has(to.typname)) {
    if (regTypes.has(to.typname) && typeof value === 'string') return regIn(value, to, catalog);
    return toInteger(value, from, to);
  }
  if (to.typname === 'float4' || to.typname === 'float8' || to.typname === 'numeric') {
    // numeric keeps an integer exact (int8 past 2^53 stays a bigint).
    if (typeof value === 'bigint' && to.typname === 'numeric') return value;
    if (typeof value === 'string') {
      const n = Number(value.trim());
      if (value.trim() === '' || Number.isNaN(n)) throw invalidInput(to.display, value);
      return n;
    }
    return Number(value);
  }
  if (to.typname === 'bool') return typeof value === 'string' ? parseBool(value) : Boolean(value);
  if (to.typname === 'timestamptz' || to.typname === 'timestamp') {
    if (typeof value === 'number') return value;
    const ms = Date.parse(
      String(value)
        .replace(' ', 'T')
        .replace(/([+-]\d\d)$/, '$1:00'),
    );
    if (Number.isNaN(ms)) throw invalidInput(to.display, String(value));
    return ms;
  }
  return value;
}

/** Integer ranges PostgreSQL checks when a value becomes one of these types (22003 beyond). */
const integerRanges: Readonly<Record<string, readonly [bigint, bigint]>> = {
  int2: [-32768n, 32767n],
  int4: [-2147483648n, 2147483647n],
  int8: [-(2n ** 63n), 2n ** 63n - 1n],
};

function toInteger(value: Exclude<CVal, null>, from: PgType, to: PgType): CVal {
  if (typeof value === 'boolean') return value ? 1 : 0;
  let n: bigint;
  if (typeof value === 'bigint') n = value;
  else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw outOfRange(to);
    n = BigInt(roundToInteger(value, from));
  } else {
    const text = String(value).trim();
    if (!/^[+-]?\d+$/.test(text)) throw invalidInput(to.display, String(value));
    n = BigInt(text);
  }
  const range = integerRanges[to.typname];
  if (range !== undefined && (n < range[0] || n > range[1])) throw outOfRange(to);
  return Number.isSafeInteger(Number(n)) ? Number(n) : n;
}

/** numeric rounds halves away from zero; float4 / float8 to the even neighbour (rint), as in PostgreSQL. */
function roundToInteger(v: number, from: PgType): number {
  if (Number.isInteger(v)) return v;
  const away = Math.sign(v) * Math.round(Math.abs(v));
  if (from.typname !== 'float4' && from.typname !== 'float8') return away;
  const floor = Math.floor(v);
  const diff = v - floor;
  if (diff !== 0.5) return Math.round(v);
  return floor % 2 === 0 ? floor : floor + 1;
}

function outOfRange(to: PgType): QueryError {
  return new QueryError(SqlState.numericValueOutOfRange, `${to.display} out of range`);
}

/** The text output of a value of type `from`. */
export function renderText(value: Exclude<CVal, null>, from: PgType, catalog: Catalog): string {
  if (Array.isArray(value)) {
    const elem = from.elem === undefined ? pgTypesByOid.get(25)! : pgTypesByOid.get(from.elem)!;
    if (from.typname === 'int2vector' || from.typname === 'oidvector')
      return value.map((v) => (v === null ? '' : renderText(v, elem, catalog))).join(' ');
    return formatArray(value, (v) => renderText(v, elem, catalog));
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (regTypes.has(from.typname) && typeof value === 'number') return regOut(value, from, catalog);
  if (from.typname === 'timestamptz' && typeof value === 'number') return formatTimestamp(value);
  if (typeof value === 'number' && !Number.isFinite(value))
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return String(value);
}

/** regclass / regtype / … output: the object's name, qualified when not on the search path. */
export function regOut(oid: number, type: PgType, catalog: Catalog): string {
  switch (type.typname) {
    case 'regclass': {
      const entry = catalog.classByOid(oid);
      if (entry === undefined) return String(oid);
      const schema = catalog.namespaceName(entry.namespace)!;
      const name = quoteIdent(entry.name);
      return schema === 'public' || schema === 'pg_catalog' ? name : `${quoteIdent(schema)}.${name}`;
    }
    case 'regtype':
      return formatType(oid, catalog) ?? String(oid);
    case 'regnamespace':
      return catalog.namespaceName(oid) ?? String(oid);
    default:
      return catalog.roleName(oid) ?? String(oid);
  }
}

/** format_type(oid, typmod) without a typmod: the type's SQL name, or a table's row type name. */
export function formatType(oid: number, catalog: Catalog): string | undefined {
  const type = pgTypesByOid.get(oid);
  if (type !== undefined) return type.display;
  for (const c of catalog.classes) if (c.typeOid === oid) return quoteIdent(c.name);
  return undefined;
}

/** 'all_devices'::regclass and friends: names to OIDs, or the error PostgreSQL gives. */
function regIn(text: string, type: PgType, catalog: Catalog): number {
  if (/^\d+$/.test(text.trim())) return Number(text.trim());
  const parts = identifierParts(text);
  switch (type.typname) {
    case 'regclass': {
      const name = parts[parts.length - 1]!;
      const schema = parts.length > 1 ? parts[parts.length - 2] : undefined;
      const found = catalog.classes.find(
        (c) =>
          c.name === name &&
          (schema === undefined
            ? c.namespace === 11 || c.namespace === 2200
            : catalog.namespaceName(c.namespace) === schema),
      );
      if (found === undefined)
        throw new QueryError(SqlState.undefinedTable, `relation "${text}" does not exist`);
      return found.oid;
    }
    case 'regtype': {
      const found = pgTypeByAnyName(parts[parts.length - 1]!);
      if (found === undefined)
        throw new QueryError(SqlState.undefinedObject, `type "${text}" does not exist`);
      return found.oid;
    }
    case 'regnamespace': {
      const oid = [11, 99, 2200, 13207].find((o) => catalog.namespaceName(o) === parts[0]);
      if (oid === undefined)
        throw new QueryError(SqlState.undefinedObject, `schema "${text}" does not exist`);
      return oid;
    }
    default: {
      const oid = [10, 6171, 16384].find((o) => catalog.roleName(o) === parts[0]);
      if (oid === undefined) throw new QueryError(SqlState.undefinedObject, `role "${text}" does not exist`);
      return oid;
    }
  }
}

/** 'public."My Table"' → ['public', 'My Table']; unquoted parts fold to lower case. */
export function identifierParts(text: string): string[] {
  const parts: string[] = [];
  let i = 0;
  const s = text.trim();
  while (i < s.length) {
    if (s[i] === '"') {
      let part = '';
      i++;
      while (i < s.length) {
        if (s[i] === '"' && s[i + 1] === '"') {
          part += '"';
          i += 2;
        } else if (s[i] === '"') {
          i++;
          break;
        } else part += s[i++];
      }
      parts.push(part);
    } else {
      let j = i;
      while (j < s.length && s[j] !== '.') j++;
      parts.push(s.slice(i, j).trim().toLowerCase());
      i = j;
    }
    if (s[i] === '.') i++;
  }
  return parts;
}
