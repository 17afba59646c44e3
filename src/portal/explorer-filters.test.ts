import assert from 'node:assert/strict';
import { test } from 'node:test';
import { filterSql, formatFilter, parseFilter } from './explorer-filters.js';

test('parseFilter reads each operator; formatFilter writes it back', () => {
  const cases: [string, string][] = [
    ['protocol = 6', 'protocol = 6'],
    ['  SRC_AS   IN 15169, 13335 ', 'src_as in 15169,13335'],
    ['dst_addr <<= 10.0.0.0/8', 'dst_addr <<= 10.0.0.0/8'],
    ['dst_addr not <<= 2001:db8::/32', 'dst_addr not <<= 2001:db8::/32'],
    ['src_geo <> US', 'src_geo != US'],
    ['l4_dst_port not in 80,443', 'l4_dst_port not in 80,443'],
    ['http_url = /a,b', 'http_url = /a,b'],
  ];
  for (const [text, back] of cases) {
    const f = parseFilter(text);
    assert.notEqual(typeof f, 'string', `${text}: ${f}`);
    if (typeof f !== 'string') assert.equal(formatFilter(f), back);
  }
});

test('parseFilter refuses unknown columns, missing values and CIDR on non-addresses', () => {
  assert.match(String(parseFilter('nope = 1')), /no column "nope"/);
  assert.match(String(parseFilter('src_as in 1,,2')), /value is missing/);
  assert.match(String(parseFilter('src_as <<= 10.0.0.0/8')), /needs an address column/);
  assert.match(String(parseFilter('src_as')), /write column, operator/);
  assert.match(String(parseFilter('i_start_time = 1')), /no column/, 'time columns belong to the range');
});

test('filterSql: numbers bare, everything else a quoted literal with quotes doubled', () => {
  const sql = (text: string) => {
    const f = parseFilter(text);
    if (typeof f === 'string') throw new Error(f);
    return filterSql(f);
  };
  assert.equal(sql('src_as in 15169,13335'), 'src_as IN (15169, 13335)');
  assert.equal(sql('protocol != 17'), 'protocol <> 17');
  assert.equal(sql('dst_addr not <<= 10.0.0.0/8'), "NOT (dst_addr <<= '10.0.0.0/8')");
  assert.equal(sql("http_host = x' OR true --"), "http_host = 'x'' OR true --'", 'no way out of the literal');
  assert.equal(
    sql('src_as = 1e3'),
    "src_as = '1e3'",
    'not plain digits: left to the engine to read or refuse',
  );
});
