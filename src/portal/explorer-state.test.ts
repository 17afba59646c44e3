import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeState, defaultState, type ExplorerState, encodeState } from './explorer-state.js';

test('a state survives its URL form', () => {
  const states: ExplorerState[] = [
    defaultState,
    {
      range: { kind: 'absolute', from: Date.UTC(2026, 0, 5, 10), to: Date.UTC(2026, 0, 5, 12, 30) },
      dimensions: ['dst_addr', 'protocol', 'i_device_name'],
      metric: 'p95_appl_latency_ms',
      filters: [
        { column: 'protocol', op: 'in', values: ['6', '17'] },
        { column: 'dst_addr', op: 'not <<=', values: ['2001:db8::/32'] },
        { column: 'http_host', op: '!=', values: ["o'hara.example"] },
      ],
      top: 50,
    },
  ];
  for (const s of states) {
    const url = `?${encodeState(s).toString()}`;
    assert.deepEqual(decodeState(new URLSearchParams(url)), s, url);
  }
  assert.equal(
    encodeState(defaultState).toString(),
    'range=1h&dim=src_as&metric=bps&top=10',
    'the default view has a short URL',
  );
});

test('unknown or malformed URL parts fall back to the defaults, each on its own', () => {
  const s = decodeState(
    new URLSearchParams(
      'range=2y&dim=nope&dim=in_bytes&metric=zzz&top=7&f=nope+%3D+1&f=protocol+%3D+6&f=src_as+<<%3D+10.0.0.0/8',
    ),
  );
  assert.deepEqual(s.range, defaultState.range);
  assert.deepEqual(s.dimensions, ['src_as'], 'in_bytes is a measure, not a dimension');
  assert.equal(s.metric, 'bps');
  assert.equal(s.top, 10);
  assert.deepEqual(
    s.filters,
    [{ column: 'protocol', op: '=', values: ['6'] }],
    'only the valid filter is kept',
  );
  const dup = decodeState(
    new URLSearchParams('dim=protocol&dim=protocol&dim=src_as&dim=dst_as&dim=src_geo&dim=dst_geo'),
  );
  assert.deepEqual(dup.dimensions, ['protocol', 'src_as', 'dst_as', 'src_geo'], 'no repeats, at most four');
  const backwards = decodeState(
    new URLSearchParams('from=2026-01-05T12:00:00Z&to=2026-01-05T10:00:00Z&range=5m'),
  );
  assert.deepEqual(backwards.range, { kind: 'relative', preset: '5m' }, 'an empty absolute range is ignored');
});
