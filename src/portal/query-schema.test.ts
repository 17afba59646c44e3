import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupColumns, identifier } from './query-schema.js';

test('groupColumns: one entry per table, shared tables first, device tables quoted', () => {
  const rows = [
    ['127.0.0.11', 'src_as', 'bigint'],
    ['all_devices', 'i_start_time', 'timestamp with time zone'],
    ['all_devices', 'src_as', 'bigint'],
    ['devices', 'id', 'bigint'],
    ['synth_ping', 'rtt_ms', 'double precision'],
    ['core', 'src_as', 'bigint'],
  ];
  const tables = groupColumns(rows);
  assert.deepEqual(
    tables.map((t) => [t.name, t.sqlName, t.columns.length]),
    [
      ['all_devices', 'all_devices', 2],
      ['devices', 'devices', 1],
      ['synth_ping', 'synth_ping', 1],
      ['127.0.0.11', '"127.0.0.11"', 1],
      ['core', 'core', 1],
    ],
  );
  assert.deepEqual(tables[0]!.columns[0], { name: 'i_start_time', type: 'timestamp with time zone' });
});

test('identifier quotes what is not a plain lower-case name, doubling quotes', () => {
  assert.equal(identifier('all_devices'), 'all_devices');
  assert.equal(identifier('Core-Router'), '"Core-Router"');
  assert.equal(identifier('a"b'), '"a""b"');
});
