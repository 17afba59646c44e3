import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CidrValue, Expr } from '../plan/plan.js';
import { col, fn, NOW, num, planOf, text } from './testing.js';

const where = (condition: string): Expr | undefined =>
  planOf(`SELECT 1 FROM all_devices WHERE ${condition}`).where;

const v4 = (a: number, b: number, c: number, d: number, bits: number): CidrValue => ({
  bytes: Uint8Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 255, a, b, c, d]),
  bits,
  v4: true,
});
const inet = (value: CidrValue, type: 'inet' | 'cidr' = 'inet'): Expr => ({ kind: 'const', type, value });
const tsc = (ms: number): Expr => ({ kind: 'const', type: 'timestamptz', value: ms });
const src = col('src_addr', 'inet');
const start = col('i_start_time', 'timestamptz');

test('comparisons, IN, NOT IN, BETWEEN, AND/OR/NOT', () => {
  assert.deepEqual(where('src_as = 15169'), fn('eq', 'bool', col('src_as', 'int8'), num(15169)));
  assert.deepEqual(where('15169 <> src_as'), fn('ne', 'bool', num(15169), col('src_as', 'int8')));
  assert.deepEqual(where('protocol IN (6, 17)'), fn('in', 'bool', col('protocol', 'int2'), num(6), num(17)));
  assert.deepEqual(
    where('protocol NOT IN (6)'),
    fn('not', 'bool', fn('in', 'bool', col('protocol', 'int2'), num(6))),
  );
  // BETWEEN is >= AND <=.
  const port = col('l4_dst_port', 'int4');
  assert.deepEqual(
    where('l4_dst_port BETWEEN 1 AND 1023'),
    fn('and', 'bool', fn('ge', 'bool', port, num(1)), fn('le', 'bool', port, num(1023))),
  );
  assert.deepEqual(
    where('l4_dst_port NOT BETWEEN 1 AND 1023'),
    fn('or', 'bool', fn('lt', 'bool', port, num(1)), fn('gt', 'bool', port, num(1023))),
  );
  // NOT (a < b) is a >= b; nested ANDs flatten.
  assert.deepEqual(
    where('NOT (protocol < 6) AND (tos = 1 AND vlan_in = 2) OR false'),
    fn(
      'and',
      'bool',
      fn('ge', 'bool', col('protocol', 'int2'), num(6)),
      fn('eq', 'bool', col('tos', 'int2'), num(1)),
      fn('eq', 'bool', col('vlan_in', 'int4'), num(2)),
    ),
  );
  // An integer column against a fractional constant compares as numeric; 15169.0 stays integral.
  assert.deepEqual(
    where('src_as > 1.5'),
    fn('gt', 'bool', fn('cast', 'numeric', col('src_as', 'int8')), num(1.5, 'numeric')),
  );
  assert.deepEqual(where('src_as = 15169.0'), fn('eq', 'bool', col('src_as', 'int8'), num(15169, 'int8')));
});

test('LIKE, ILIKE, NOT LIKE take constant text patterns', () => {
  const name = col('i_device_name', 'text');
  assert.deepEqual(where("i_device_name LIKE 'edge%'"), fn('like', 'bool', name, text('edge%')));
  assert.deepEqual(where("i_device_name ILIKE 'EDGE_'"), fn('ilike', 'bool', name, text('EDGE_')));
  assert.deepEqual(
    where("i_device_name NOT LIKE 'x%'"),
    fn('not', 'bool', fn('like', 'bool', name, text('x%'))),
  );
});

test('inet containment and comparison with literals of every spelling', () => {
  const ten = v4(10, 0, 0, 0, 8);
  assert.deepEqual(where("src_addr << '10.0.0.0/8'"), fn('contained_by', 'bool', src, inet(ten)));
  // A cidr literal meets the inet column as inet.
  assert.deepEqual(
    where("src_addr <<= '10.0.0.0/8'::cidr"),
    fn('contained_by_or_eq', 'bool', src, inet(ten)),
  );
  assert.deepEqual(
    where("src_addr >> inet '10.1.2.3'"),
    fn('contains', 'bool', src, inet(v4(10, 1, 2, 3, 32))),
  );
  assert.deepEqual(where("src_addr >>= '10/8'"), fn('contains_or_eq', 'bool', src, inet(ten)));
  assert.deepEqual(
    where("dst_addr = '192.168.1.1'"),
    fn('eq', 'bool', col('dst_addr', 'inet'), inet(v4(192, 168, 1, 1, 32))),
  );
  const v6 = where("src_addr << '2001:db8::/32'") as unknown as { args: Expr[] };
  const c = (v6.args[1] as { value: CidrValue }).value;
  assert.equal(c.v4, false);
  assert.equal(c.bits, 32);
  assert.deepEqual(Array.from(c.bytes.subarray(0, 4)), [0x20, 0x01, 0x0d, 0xb8]);
});

test('time predicates: now(), intervals, timestamp literals, current_timestamp', () => {
  const hour = 3_600_000;
  assert.deepEqual(
    where("i_start_time >= now() - interval '5 min'"),
    fn('ge', 'bool', start, tsc(NOW - 300_000)),
  );
  assert.deepEqual(
    where("i_start_time > now() - interval'1 hour'"),
    fn('gt', 'bool', start, tsc(NOW - hour)),
  );
  assert.deepEqual(
    where("i_start_time > current_timestamp - interval '1 day 2 hours'"),
    fn('gt', 'bool', start, tsc(NOW - 26 * hour)),
  );
  // Months and years are calendar arithmetic in UTC: ten years before 2026-11-21 10:07:30.
  assert.deepEqual(
    where("i_start_time > now() - '10 years'::interval"),
    fn('gt', 'bool', start, tsc(Date.UTC(2016, 10, 21, 10, 7, 30))),
  );
  // 2026-03-31 minus one month clamps to the last day of February.
  assert.deepEqual(
    where("i_start_time > '2026-03-31 12:00'::timestamptz - interval '1 month'"),
    fn('gt', 'bool', start, tsc(Date.UTC(2026, 1, 28, 12))),
  );
  // No zone means UTC; a written zone is honoured for timestamptz and ignored for timestamp.
  assert.deepEqual(
    where("i_start_time >= '2026-11-21 10:00'"),
    fn('ge', 'bool', start, tsc(Date.UTC(2026, 10, 21, 10))),
  );
  assert.deepEqual(
    where("i_start_time >= '2026-11-21 10:00+02'::timestamptz"),
    fn('ge', 'bool', start, tsc(Date.UTC(2026, 10, 21, 8))),
  );
  assert.deepEqual(
    where("i_start_time >= timestamp '2026-11-21 10:00+02'"),
    fn('ge', 'bool', start, tsc(Date.UTC(2026, 10, 21, 10))),
  );
  assert.deepEqual(
    where("i_start_time < timestamptz '2026-11-21T10:00:00Z'"),
    fn('lt', 'bool', start, tsc(Date.UTC(2026, 10, 21, 10))),
  );
  // now() + '1 day' reads the literal as an interval.
  assert.deepEqual(where("i_start_time < now() + '1 day'"), fn('lt', 'bool', start, tsc(NOW + 24 * hour)));
});

test('NULL logic: per-row filters never see NULL', () => {
  const asn = col('src_as', 'int8');
  // x = NULL is NULL for every row: the filter is false.
  assert.deepEqual(where('src_as = NULL'), { kind: 'const', type: 'bool', value: false });
  // Stored columns are NOT NULL.
  assert.deepEqual(where('src_as IS NULL'), { kind: 'const', type: 'bool', value: false });
  assert.equal(where('src_as IS NOT NULL'), undefined);
  // x IN (1, NULL) is TRUE only where x = 1 (else NULL): the filter keeps x = 1.
  assert.deepEqual(where('src_as IN (1, NULL)'), fn('in', 'bool', asn, num(1)));
  // x NOT IN (1, NULL) is never TRUE.
  assert.deepEqual(where('src_as NOT IN (1, NULL)'), { kind: 'const', type: 'bool', value: false });
  // NOT (x > 1 AND NULL): TRUE exactly when x > 1 is FALSE.
  assert.deepEqual(where('NOT (src_as > 1 AND NULL)'), fn('le', 'bool', asn, num(1)));
  // (x > 1 OR NULL) is TRUE exactly when x > 1.
  assert.deepEqual(where('src_as > 1 OR NULL'), fn('gt', 'bool', asn, num(1)));
  // nullif(x, 0) > 5: TRUE when x <> 0 and x > 5.
  assert.deepEqual(
    where('nullif(src_as, 0) > 5'),
    fn('and', 'bool', fn('ne', 'bool', asn, num(0)), fn('gt', 'bool', asn, num(5))),
  );
  assert.deepEqual(where('true'), undefined);
  assert.deepEqual(where('1 = 1 AND src_as = 2'), fn('eq', 'bool', asn, num(2)));
});

test('an aggregate over a possibly-NULL argument filters the NULLs out', () => {
  const p = planOf('SELECT avg(nullif(appl_latency_ms, 0)), count(nullif(protocol, 6)) FROM all_devices');
  const latency = col('appl_latency_ms', 'int8');
  assert.deepEqual(p.aggregates[0], {
    fn: 'avg',
    arg: latency,
    filter: fn('ne', 'bool', latency, num(0)),
    type: 'numeric',
  });
  assert.deepEqual(p.aggregates[1], {
    fn: 'count',
    arg: undefined,
    filter: fn('ne', 'bool', col('protocol', 'int2'), num(6)),
    type: 'int8',
  });
});

test('CASE, COALESCE, IS DISTINCT FROM fold what constants decide', () => {
  const asn = col('src_as', 'int8');
  assert.deepEqual(where('coalesce(src_as, 5) = 3'), fn('eq', 'bool', asn, num(3)));
  assert.deepEqual(where('src_as IS DISTINCT FROM 5'), fn('ne', 'bool', asn, num(5)));
  assert.deepEqual(where('src_as IS NOT DISTINCT FROM 5'), fn('eq', 'bool', asn, num(5)));
  assert.deepEqual(
    where('CASE WHEN false THEN src_as = 1 WHEN true THEN src_as = 2 END'),
    fn('eq', 'bool', asn, num(2)),
  );
  assert.deepEqual(where('(src_as = 1) IS TRUE'), fn('eq', 'bool', asn, num(1)));
});
