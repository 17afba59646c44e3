import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatTable } from './query-table.js';

test('psql aligned format: centred names, numbers right, text left, NULL empty, row count', () => {
  const table = formatTable({
    fields: [
      { name: 'src_as', type: 'int8' },
      { name: 'f_sum_in_pkts', type: 'numeric' },
      { name: 'name', type: 'text' },
    ],
    rows: [
      [15169, 1234567n, 'Google'],
      [13335, 89, null],
    ],
    command: 'SELECT 2',
  });
  // Widths: src_as 6 (the name), f_sum_in_pkts 13, name 6 ("Google"). "name" centred in 6 is
  // " name" plus one blank that the last column leaves off; separators are width + 2 dashes.
  assert.equal(
    table,
    [
      ' src_as | f_sum_in_pkts |  name',
      '--------+---------------+--------',
      '  15169 |       1234567 | Google',
      '  13335 |            89 |',
      '(2 rows)',
      '',
      '',
    ].join('\n'),
  );
});

test('one row says "row"; no rows; a SET prints its tag; line breaks stay on one line', () => {
  const one = formatTable({ fields: [{ name: 'a', type: 'text' }], rows: [['x\ny']], command: 'SELECT 1' });
  // The cell "x\ny" is 4 characters wide: "a" centred in 4 gets floor(3 / 2) = 1 blank before it.
  assert.equal(one, '  a\n------\n x\\ny\n(1 row)\n\n');
  const none = formatTable({ fields: [{ name: 'count', type: 'int8' }], rows: [], command: 'SELECT 0' });
  assert.equal(none, ' count\n-------\n(0 rows)\n\n');
  assert.equal(formatTable({ fields: [], rows: [], command: 'SET' }), 'SET\n');
});
