import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatError } from './query-error.js';

test('psql verbose form, with the line and a caret under the position', () => {
  const sql = 'SELECT src_as\nFROM no_such_table\nLIMIT 1';
  const position = sql.indexOf('no_such_table') + 1;
  assert.equal(
    formatError(
      { code: '42P01', message: 'relation "no_such_table" does not exist', position, hint: 'see \\dt' },
      sql,
    ),
    [
      'ERROR:  42P01: relation "no_such_table" does not exist',
      'LINE 2: FROM no_such_table',
      //       "LINE 2: " is 8 characters, "FROM " 5 more: the caret is in column 14.
      '             ^',
      'HINT:  see \\dt',
      '',
    ].join('\n'),
  );
  assert.equal(formatError({ code: '57014', message: 'canceled' }, 'SELECT 1'), 'ERROR:  57014: canceled\n');
});
