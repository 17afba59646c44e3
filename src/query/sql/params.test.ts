import assert from 'node:assert/strict';
import { test } from 'node:test';
import { col, fn, NOW, num, plan, planError } from './testing.js';

const sql =
  'SELECT $1, src_as FROM all_devices WHERE src_as = $2 AND src_addr << $3 AND i_start_time > $4 LIMIT $5';

test('Describe: parameter types come from what they are compared with, else text', () => {
  const { fields, paramTypes, plan: p } = plan(sql);
  // $1 stands alone in the select list: text; $2 meets a bigint, $3 an inet, $4 a timestamptz;
  // LIMIT takes a bigint.
  assert.deepEqual(paramTypes, ['text', 'int8', 'inet', 'timestamptz', 'int8']);
  assert.deepEqual(fields, [
    { name: '?column?', type: 'text' },
    { name: 'src_as', type: 'int8' },
  ]);
  assert.equal(p.limit, undefined);
});

test('bound parameters become constants of their inferred types', () => {
  const { plan: p } = plan(sql, { params: ['hello', '15169', '10.0.0.0/8', '2026-11-21 00:00', '3'] });
  assert.deepEqual(p.output[0]!.expr, { kind: 'const', type: 'text', value: 'hello' });
  assert.equal(p.limit, 3);
  const where = p.where as unknown as { args: unknown[] };
  assert.deepEqual(where.args[0], fn('eq', 'bool', col('src_as', 'int8'), num(15169, 'int8')));
  assert.deepEqual(
    where.args[2],
    fn('gt', 'bool', col('i_start_time', 'timestamptz'), {
      kind: 'const',
      type: 'timestamptz',
      value: Date.UTC(2026, 10, 21),
    }),
  );
});

test('declared parameter types win; unknown ones are inferred', () => {
  const { paramTypes, plan: p } = plan('SELECT src_as FROM all_devices WHERE src_as = $1 AND protocol = $2', {
    params: ['7', '6'],
    paramTypes: ['int4', 'unknown'],
  });
  assert.deepEqual(paramTypes, ['int4', 'int2']);
  assert.deepEqual(
    p.where,
    fn(
      'and',
      'bool',
      fn('eq', 'bool', col('src_as', 'int8'), num(7)),
      fn('eq', 'bool', col('protocol', 'int2'), num(6, 'int2')),
    ),
  );
  // Declared types beyond those used are still reported.
  assert.deepEqual(plan('SELECT 1', { paramTypes: ['int8', 'text'] }).paramTypes, ['int8', 'text']);
});

test('parameters in expressions and NULL parameters', () => {
  const { paramTypes, plan: p } = plan('SELECT $1 + 1, now() - $2::interval, now() - $3 FROM all_devices', {
    params: ['41', '1 hour', '2026-11-21 10:00'],
  });
  // $1 + 1 takes the integer's type; $2 is cast; in timestamptz - $3, PostgreSQL reads $3 as a
  // timestamptz (timestamptz - timestamptz exists), giving an interval.
  assert.deepEqual(paramTypes, ['int4', 'interval', 'timestamptz']);
  assert.deepEqual(p.output[0]!.expr, { kind: 'const', type: 'int4', value: 42 });
  assert.deepEqual(p.output[1]!.expr, { kind: 'const', type: 'timestamptz', value: NOW - 3_600_000 });
  assert.deepEqual(p.output[2]!.expr, { kind: 'const', type: 'interval', value: 450_000 });
  const nulls = plan('SELECT src_as FROM all_devices WHERE src_as = $1', { params: [null] });
  assert.deepEqual(nulls.plan.where, { kind: 'const', type: 'bool', value: false });
});

test('bad parameter text is 22P02; a missing value is a protocol error', () => {
  const bad = planError('SELECT src_as FROM all_devices WHERE src_as = $1', { params: ['abc'] });
  assert.equal(bad.code, '22P02');
  assert.match(bad.message, /invalid input syntax for type bigint: "abc"/);
  const inet = planError('SELECT 1 FROM all_devices WHERE src_addr << $1', { params: ['10.0.0.300/8'] });
  assert.equal(inet.code, '22P02');
  const missing = planError('SELECT $2::int', { params: ['1'] });
  assert.equal(missing.code, '08P01');
});
