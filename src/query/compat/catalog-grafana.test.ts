import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newSession, run, testTables } from './test-helpers.js';

/**
 * The metadata queries of Grafana's PostgreSQL data source (postgresMetaQuery.ts: version, schemas,
 * tables, columns), with the answers PostgreSQL gives: table names quote_ident'ed (a name with a
 * hyphen is quoted), columns with information_schema's data_type names.
 */
const schemaConstraint = `quote_ident(table_schema) IN (
  SELECT CASE WHEN trim(s[i]) = '"$user"' THEN user ELSE trim(s[i]) END
  FROM generate_series(
    array_lower(string_to_array(current_setting('search_path'),','),1),
    array_upper(string_to_array(current_setting('search_path'),','),1)
  ) as i,
  string_to_array(current_setting('search_path'),',') s)`;

const showTables = `SELECT CASE WHEN ${schemaConstraint}
    THEN quote_ident(table_name)
    ELSE quote_ident(table_schema) || '.' || quote_ident(table_name)
  END AS "table"
  FROM information_schema.tables
  WHERE quote_ident(table_schema) NOT IN ('information_schema', 'pg_catalog', '_timescaledb_cache',
    '_timescaledb_catalog', '_timescaledb_internal', '_timescaledb_config', 'timescaledb_information',
    'timescaledb_experimental')
  ORDER BY CASE WHEN ${schemaConstraint} THEN 0 ELSE 1 END, 1`;

const getSchema = (table: string) => `SELECT quote_ident(column_name) AS "column", data_type AS "type"
  FROM information_schema.columns
  WHERE CASE WHEN array_length(parse_ident('${table}'),1) = 2
    THEN quote_ident(table_schema) = (parse_ident('${table}'))[1]
      AND quote_ident(table_name) = (parse_ident('${table}'))[2]
    ELSE quote_ident(table_name) = '${table}' AND ${schemaConstraint}
  END`;

const quoted = (name: string) => (/^[a-z_][a-z0-9_]*$/.test(name) ? name : `"${name}"`);

test('version: current_setting(server_version_num)::int/100', () => {
  assert.deepEqual(run("SELECT current_setting('server_version_num')::int/100 as version").rows, [[1500]]);
});

test('schemas, then tables in search-path order with quoting', () => {
  const schemas = run(`SELECT schema_name AS "name" FROM information_schema.schemata
    WHERE schema_name NOT IN ('information_schema', 'pg_catalog', 'pg_toast') ORDER BY schema_name`);
  assert.deepEqual(schemas.rows, [['public']]);
  const tables = run(showTables, newSession());
  const expected = testTables.map((t) => quoted(t.name)).sort();
  assert.deepEqual(
    tables.rows.map((r) => r[0]),
    expected,
  );
  assert.ok(expected.includes('"edge-1"'));
});

test('columns of a table, plain and schema-qualified', () => {
  const devices = testTables.find((t) => t.name === 'devices')!;
  const expected = devices.columns.map((c) => [
    c.name,
    { int8: 'bigint', text: 'text', timestamptz: 'timestamp with time zone' }[c.type as string],
  ]);
  assert.deepEqual(run(getSchema('devices')).rows, expected);
  assert.deepEqual(run(getSchema('public.devices')).rows, expected);
  assert.deepEqual(run(getSchema('nosuch')).rows, []);
  assert.equal(run("SELECT extversion FROM pg_extension WHERE extname = 'timescaledb'").rows.length, 0);
});
