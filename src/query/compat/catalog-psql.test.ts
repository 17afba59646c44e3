import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SqlType } from '../sql-types.js';
import { fieldPgType } from './pg-types.js';
import { newSession, run, testTables } from './test-helpers.js';

/**
 * The queries psql 15 sends for \dt and \d TABLE (copied from a PostgreSQL 15 server's statement
 * log), answered from the tenant's tables. The expected rows are built here from testTables with
 * PostgreSQL's own type names (format_type), which is what PostgreSQL 15 answers for tables with
 * the same columns (compared side by side with a PostgreSQL 15.18 server during development).
 */
const formatType: Record<SqlType, string> = {
  bool: 'boolean',
  int2: 'smallint',
  int4: 'integer',
  int8: 'bigint',
  numeric: 'numeric',
  float8: 'double precision',
  text: 'text',
  inet: 'inet',
  cidr: 'cidr',
  macaddr: 'macaddr',
  timestamptz: 'timestamp with time zone',
  interval: 'interval',
  unknown: 'unknown',
};

const dt = `SELECT n.nspname as "Schema",
  c.relname as "Name",
  CASE c.relkind WHEN 'r' THEN 'table' WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' WHEN 'i' THEN 'index' WHEN 'S' THEN 'sequence' WHEN 't' THEN 'TOAST table' WHEN 'f' THEN 'foreign table' WHEN 'p' THEN 'partitioned table' WHEN 'I' THEN 'partitioned index' END as "Type",
  pg_catalog.pg_get_userbyid(c.relowner) as "Owner"
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam
WHERE c.relkind IN ('r','p','')
      AND n.nspname <> 'pg_catalog'
      AND n.nspname !~ '^pg_toast'
      AND n.nspname <> 'information_schema'
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 1,2;`;

const lookup = (name: string) => `SELECT c.oid,
  n.nspname,
  c.relname
FROM pg_catalog.pg_class c
     LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relname OPERATOR(pg_catalog.~) '^(${name})$' COLLATE pg_catalog.default
  AND pg_catalog.pg_table_is_visible(c.oid)
ORDER BY 2, 3;`;

const columns = (oid: string) => `SELECT a.attname,
  pg_catalog.format_type(a.atttypid, a.atttypmod),
  (SELECT pg_catalog.pg_get_expr(d.adbin, d.adrelid, true)
   FROM pg_catalog.pg_attrdef d
   WHERE d.adrelid = a.attrelid AND d.adnum = a.attnum AND a.atthasdef),
  a.attnotnull,
  (SELECT c.collname FROM pg_catalog.pg_collation c, pg_catalog.pg_type t
   WHERE c.oid = a.attcollation AND t.oid = a.atttypid AND a.attcollation <> t.typcollation) AS attcollation,
  a.attidentity,
  a.attgenerated
FROM pg_catalog.pg_attribute a
WHERE a.attrelid = '${oid}' AND a.attnum > 0 AND NOT a.attisdropped
ORDER BY a.attnum;`;

const tableInfo = (
  oid: string,
) => `SELECT c.relchecks, c.relkind, c.relhasindex, c.relhasrules, c.relhastriggers, c.relrowsecurity, c.relforcerowsecurity, false AS relhasoids, c.relispartition, '', c.reltablespace, CASE WHEN c.reloftype = 0 THEN '' ELSE c.reloftype::pg_catalog.regtype::pg_catalog.text END, c.relpersistence, c.relreplident, am.amname
FROM pg_catalog.pg_class c
 LEFT JOIN pg_catalog.pg_class tc ON (c.reltoastrelid = tc.oid)
LEFT JOIN pg_catalog.pg_am am ON (c.relam = am.oid)
WHERE c.oid = '${oid}';`;

test('\\dt lists every tenant table as a table owned by the session user, sorted by name', () => {
  const r = run(dt, newSession('alice'));
  const names = testTables.map((t) => t.name).sort();
  assert.deepEqual(
    r.rows,
    names.map((name) => ['public', name, 'table', 'alice']),
  );
  assert.deepEqual(
    r.fields.map((f) => f.name),
    ['Schema', 'Name', 'Type', 'Owner'],
  );
  // nspname and relname are of type name (19) in PostgreSQL, pg_get_userbyid returns name too.
  assert.deepEqual(
    r.fields.map((f) => fieldPgType(f).oid),
    [19, 19, 25, 19],
  );
});

test('\\d edge-1: lookup by regex, table details, then each column with its PostgreSQL type', () => {
  const s = newSession();
  const found = run(lookup('edge-1'), s);
  assert.equal(found.rows.length, 1);
  const [oid, schema, name] = found.rows[0]!;
  assert.deepEqual([schema, name], ['public', 'edge-1']);
  // An ordinary heap table with no checks, indexes, rules or triggers, persistence p, replica identity d.
  assert.deepEqual(run(tableInfo(String(oid)), s).rows, [
    [0, 'r', false, false, false, false, false, false, false, '', 0, '', 'p', 'd', 'heap'],
  ]);
  const table = testTables.find((t) => t.name === 'edge-1')!;
  const cols = run(columns(String(oid)), s);
  assert.deepEqual(
    cols.rows,
    table.columns.map((c) => [c.name, formatType[c.type], null, false, null, '', '']),
  );
  assert.equal(run(lookup('nosuch'), s).rows.length, 0);
});
