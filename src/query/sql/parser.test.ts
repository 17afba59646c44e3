import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../../test/helpers/paths.js';
import { QueryError } from '../errors.js';
import { parseStatements } from './index.js';
import { maxNesting } from './nesting.js';
import { plan, planError } from './testing.js'; // (importing it loads the parser)

function syntaxError(sql: string): QueryError {
  try {
    parseStatements(sql);
  } catch (err) {
    assert.ok(err instanceof QueryError);
    return err;
  }
  assert.fail(`no error for ${sql}`);
}

test('splits statements; a single statement keeps the whole text', () => {
  assert.deepEqual(parseStatements('').length, 0);
  assert.deepEqual(parseStatements('  -- nothing\n ').length, 0);
  const one = parseStatements('SELECT 1;');
  assert.equal(one.length, 1);
  assert.equal(one[0]!.text, 'SELECT 1;');
  const two = parseStatements("SELECT 'é' ; SELECT src_as FROM all_devices");
  assert.deepEqual(
    two.map((s) => s.text.trim()),
    ["SELECT 'é'", 'SELECT src_as FROM all_devices'],
  );
  // Each statement's node locations are offsets into its own text.
  const second = two[1]!.stmt as { SelectStmt: { fromClause: { RangeVar: { location: number } }[] } };
  const loc = second.SelectStmt.fromClause[0]!.RangeVar.location;
  assert.equal(Buffer.from(two[1]!.text).subarray(loc).toString().startsWith('all_devices'), true);
});

test('syntax errors: 42601 with the 1-based character position', () => {
  const e = syntaxError('SELECT src_as FRM all_devices');
  assert.equal(e.code, '42601');
  assert.equal(e.message, 'syntax error at or near "all_devices"');
  assert.equal(e.position, 19);
  // 'ééé' is 3 characters but 6 bytes: the position counts characters (PostgreSQL gives 18).
  const wide = syntaxError("SELECT 'ééé' frm x y");
  assert.equal(wide.position, 18);
  const end = syntaxError("SELECT 'é' FROM");
  assert.equal(end.message, 'syntax error at end of input');
  assert.equal(end.position, 16);
});

test('input too deep for the parser is 54001, and the parser keeps working', () => {
  for (const sql of [
    `SELECT ${'('.repeat(20_000)}1${')'.repeat(20_000)}`,
    `SELECT ${Array.from({ length: 20_000 }, () => '1').join('+')}`,
    `SELECT 1 WHERE ${'NOT '.repeat(20_000)}true`,
  ]) {
    const e = syntaxError(sql);
    assert.equal(e.code, '54001', e.message);
  }
  assert.equal(parseStatements('SELECT 1').length, 1);
});

test('long flat lists are not mistaken for deep nesting', () => {
  const arms = Array.from({ length: 3000 }, (_, i) => `WHEN src_as = ${i} THEN ${i}`).join(' ');
  const ors = Array.from({ length: 3000 }, (_, i) => `src_as = ${i}`).join(' OR ');
  for (const sql of [`SELECT CASE ${arms} END FROM all_devices`, `SELECT 1 FROM all_devices WHERE ${ors}`]) {
    assert.equal(parseStatements(sql).length, 1);
  }
});

test('one nesting limit, the one docs/query.md states, whichever check finds the statement too deep', () => {
  const docs = readFileSync(join(repoRoot, 'docs', 'query.md'), 'utf8');
  const documented = Number(/expressions nested more than (\d+) levels/.exec(docs)?.[1]);
  assert.equal(documented, maxNesting);
  const chain = (n: number) =>
    `SELECT ${Array.from({ length: n + 1 }, () => 'src_as').join(' + ')} FROM all_devices`;
  // The text estimate refuses the chains before parsing; nested CASEs look flat on the text, so
  // the analysis of the parsed expression refuses those.
  const depth = documented + 1;
  const cases = `SELECT ${'CASE WHEN src_as = 1 THEN 1 ELSE '.repeat(depth)}0${' END'.repeat(depth)} FROM all_devices`;
  for (const sql of [chain(documented + 1), chain(5 * documented), chain(50 * documented), cases]) {
    const e = planError(sql);
    assert.equal(e.code, '54001');
    assert.equal(
      e.message,
      `statement is too complex: expressions are nested more than ${documented} levels deep`,
    );
  }
  // At the limit (one operator per level) a chain still plans.
  assert.equal(plan(chain(documented)).fields.length, 1);
});
