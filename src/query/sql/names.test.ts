import assert from 'node:assert/strict';
import { test } from 'node:test';
import { plan } from './testing.js';

const names = (list: string) => plan(`SELECT ${list} FROM all_devices`).fields.map((f) => f.name);

test('output names follow FigureColname through CASE and casts', () => {
  // PostgreSQL names a CASE after its ELSE result when that has a real name, else "case"; a CASE
  // without ELSE (no defresult at all) is "case". A cast keeps a real name, else takes its type's.
  assert.deepEqual(names('CASE WHEN max(src_as) > 1 THEN 1 END'), ['case']);
  assert.deepEqual(names('CASE WHEN src_as > 1 THEN 1 ELSE src_as END'), ['src_as']);
  assert.deepEqual(names('CASE WHEN src_as > 1 THEN src_as ELSE 2 END'), ['case']);
  assert.deepEqual(names('src_as::text, 1::bigint, (src_as + 1)::text'), ['src_as', 'int8', 'text']);
});

test('a CASE or COALESCE that folds to one branch keeps the type PostgreSQL gave it', () => {
  // The common type of smallint and bigint is bigint, whichever branch the constant condition takes.
  const types = (list: string) => plan(`SELECT ${list} FROM all_devices`).fields.map((f) => f.type);
  assert.deepEqual(types('CASE WHEN 1 = 1 THEN protocol ELSE 3000000000 END'), ['int8']);
  assert.deepEqual(types('CASE WHEN 1 = 2 THEN 3000000000 ELSE protocol END'), ['int8']);
  assert.deepEqual(types('coalesce(protocol, src_as), greatest(NULL, protocol, src_as)'), ['int8', 'int8']);
});
