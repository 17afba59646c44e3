import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QueryResult } from '../api.js';
import { createQueryEngine } from '../engine.js';
import { QueryError } from '../errors.js';
import { formatValue } from '../text-format.js';
import { compat, newSession } from './test-helpers.js';

/**
 * FROM-less SELECTs of plain values are compat's (SELECT 1 is what drivers send first); the same
 * expressions over a flows-side table are the engine's. Both must give PostgreSQL's type and value.
 * The engine sees them as `SELECT expr FROM devices` over a tenant with one device (one row).
 */

const engine = createQueryEngine({
  backend: {
    devices: async () => [{ id: 3, name: 'edge-1', rows: 0, firstBucket: 0, lastBucket: 0 }],
  } as unknown as Parameters<typeof createQueryEngine>[0]['backend'],
});

type Outcome = readonly [type: string, text: string | null] | { readonly code: string };

function outcome(run: () => QueryResult | undefined): Outcome {
  try {
    const result = run();
    if (result === undefined) return { code: 'not compat' };
    const field = result.fields[0]!;
    return [field.type, formatValue(result.rows[0]![0]!, field.type)];
  } catch (err) {
    if (err instanceof QueryError) return { code: err.code };
    throw err;
  }
}

async function engineOutcome(expr: string): Promise<Outcome> {
  try {
    const result = await engine.run(newSession(), `SELECT ${expr} FROM devices`);
    const field = result.fields[0]!;
    return [field.type, formatValue(result.rows[0]![0]!, field.type)];
  } catch (err) {
    if (err instanceof QueryError) return { code: err.code };
    throw err;
  }
}

// Expected: what PostgreSQL answers, with the rule that gives it.
const cases: [expr: string, expected: Outcome, why: string][] = [
  ['4200000000', ['int8', '4200000000'], 'an integer literal past int4 that fits int8 is int8 (make_const)'],
  ['7 + 4200000000', ['int8', '4200000007'], 'int4 + int8 is int48pl, returning int8'],
  ['-4200000000', ['int8', '-4200000000'], 'the grammar folds the minus into the literal'],
  ['10000000000000000000', ['numeric', '10000000000000000000'], 'past int8 (2^63 - 1) a literal is numeric'],
  [
    'CASE WHEN false THEN 1 ELSE 300000000000 END',
    ['int8', '300000000000'],
    'CASE takes the common type of its branches: int4 casts implicitly to int8, not back',
  ],
  ['CASE WHEN true THEN 1 ELSE 2.5 END', ['numeric', '1'], 'int4 and numeric: numeric'],
  ['CASE WHEN false THEN 1 END', ['int4', null], 'no ELSE: NULL of the THEN type'],
  ['coalesce(1, 4200000000)', ['int8', '1'], 'COALESCE resolves its type as CASE does'],
  ['coalesce(NULL, 1)', ['int4', '1'], 'NULL is unknown and takes no part'],
  ['greatest(1, 2.5)', ['numeric', '2.5'], 'GREATEST too; compared as numeric'],
  ['least(2, 1.5, 3)', ['numeric', '1.5'], 'LEAST too'],
  ["coalesce(NULL, 'x')", ['text', 'x'], 'only unknown literals: text'],
  ['7 / 2', ['int4', '3'], 'integer division truncates'],
  ['-7 / 2', ['int4', '-3'], 'toward zero'],
  ['-7 % 3', ['int4', '-1'], 'the remainder has the sign of the dividend'],
  ['(-2.5)::int4', ['int4', '-3'], 'numeric to integer rounds a half away from zero'],
  ['2.5::float8::int4', ['int4', '2'], 'float8 to integer rounds a half to even (rint)'],
  ["1 + '2'", ['int4', '3'], "the unknown literal '2' is read as the other operand's type"],
  ['2147483647 + 1', { code: '22003' }, 'int4 overflow: integer out of range'],
  ['5000000000 * 5000000000', { code: '22003' }, 'int8 overflow: bigint out of range'],
  ['1 / 0', { code: '22012' }, 'division by zero'],
  [
    "CASE WHEN true THEN 1 ELSE 'a' END",
    { code: '22P02' },
    "'a' is read as integer when the CASE is analysed, whichever branch a row takes",
  ],
  [
    "CASE WHEN true THEN 1 ELSE 'a'::text END",
    { code: '42804' },
    'CASE types integer and text cannot be matched (different categories)',
  ],
];

test('compat and the engine give FROM-less expressions the types and values PostgreSQL gives', async () => {
  for (const [expr, expected, why] of cases) {
    assert.deepEqual(
      outcome(() => compat(`SELECT ${expr}`)),
      expected,
      `compat: SELECT ${expr} (${why})`,
    );
    assert.deepEqual(await engineOutcome(expr), expected, `engine: SELECT ${expr} FROM devices (${why})`);
  }
});

test('compat keeps int8 and integral numeric literals exact past 2^53', () => {
  // 2^53 + 1 has no double; PostgreSQL's int8 and numeric hold it.
  assert.deepEqual(
    outcome(() => compat('SELECT 9007199254740993')),
    ['int8', '9007199254740993'],
  );
  assert.deepEqual(
    outcome(() => compat('SELECT 9223372036854775807')),
    ['int8', '9223372036854775807'],
  );
  assert.deepEqual(
    outcome(() => compat('SELECT -9223372036854775808')),
    ['int8', '-9223372036854775808'],
  );
  assert.deepEqual(
    outcome(() => compat('SELECT 9223372036854775807 + 1')),
    { code: '22003' },
  );
  assert.deepEqual(
    outcome(() => compat('SELECT 9223372036854775808')),
    ['numeric', '9223372036854775808'],
  );
  assert.deepEqual(
    outcome(() => compat('SELECT 9223372036854775808 + 1')),
    ['numeric', '9223372036854775809'],
  );
  assert.deepEqual(
    outcome(() => compat('SELECT 3000000000::int4')),
    { code: '22003' },
  );
  assert.deepEqual(
    outcome(() => compat('SELECT CASE WHEN false THEN 1 ELSE 9007199254740993 END')),
    ['int8', '9007199254740993'],
  );
});
