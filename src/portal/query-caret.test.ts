import assert from 'node:assert/strict';
import { test } from 'node:test';
import { caretOf } from './query-caret.js';

test('caretOf underlines the token at the 1-based position on its line', () => {
  // "SELECT src_as FROM no_such_table": position 20 is the n of no_such_table (psql's example);
  // the whole word from there is underlined.
  const sql = 'SELECT src_as FROM no_such_table';
  const at20 = { line: 1, before: 'SELECT src_as FROM ', at: 'no_such_table', after: '' };
  assert.deepEqual(caretOf(sql, 20), at20);
  const at1 = { line: 1, before: '', at: 'SELECT', after: ' src_as FROM no_such_table' };
  assert.deepEqual(caretOf(sql, 1), at1);
  const at7 = { line: 1, before: 'SELECT', at: ' ', after: 'src_as FROM no_such_table' };
  assert.deepEqual(caretOf(sql, 7), at7, 'a space is one character');
  const past = { line: 1, before: sql, at: ' ', after: '' };
  assert.deepEqual(caretOf(sql, sql.length + 1), past, 'just past the end');
  assert.equal(caretOf(sql, 0), undefined);
  assert.equal(caretOf(sql, sql.length + 2), undefined);
});

test('caretOf finds the line of a multi-line statement and counts code points', () => {
  const sql = 'SELECT 1\nFROM x\nWHERE y = 1';
  // Characters: "SELECT 1\n" is 9, "FROM x\n" 7, so position 17 is the W of WHERE on line 3.
  assert.deepEqual(caretOf(sql, 17), { line: 3, before: '', at: 'WHERE', after: ' y = 1' });
  assert.deepEqual(caretOf(sql, 25), { line: 3, before: 'WHERE y ', at: '=', after: ' 1' });
  assert.deepEqual(caretOf(sql, 15), { line: 2, before: 'FROM ', at: 'x', after: '' });
  // '😀' (two UTF-16 units) and 'é' count as one character each, as PostgreSQL counts them.
  const emoji = "SELECT '😀' + é";
  assert.deepEqual(caretOf(emoji, 14), { line: 1, before: "SELECT '😀' + ", at: 'é', after: '' });
  assert.deepEqual(caretOf(emoji, 8), { line: 1, before: 'SELECT ', at: "'😀'", after: ' + é' });
});
