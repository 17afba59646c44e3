import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFlowBatch } from '../../flow/batch.js';
import { openSegment, writeSegment } from '../segment/index.js';
import { CHUNK_ROWS } from './chunk-pool.js';
import { tempDataDir } from './test-support.js';
import { createWritePath } from './write-path.js';

const M = Date.UTC(2026, 0, 2, 3, 4);

/** Rows with a value per device and row; `host` set only in the second batch (a column appearing late). */
function batch(rows: number, base: number, host: boolean) {
  const b = createFlowBatch(rows);
  const time = b.col('i_start_time');
  const device = b.col('i_device_id');
  const bytes = b.col('in_bytes');
  const src = b.col('src_addr');
  for (let r = 0; r < rows; r++) {
    time[r] = M;
    device[r] = 1 + ((base + r) % 3);
    bytes[r] = base + r;
    src[r * 16 + 10] = 255;
    src[r * 16 + 11] = 255;
    src[r * 16 + 15] = (base + r) & 255;
    b.setString('dst_geo', r, (base + r) % 2 ? 'DE' : 'US');
    if (host) b.setString('http_host', r, `h${(base + r) % 5}`);
  }
  b.length = rows;
  return b;
}

for (const sealInWorker of [false, true]) {
  test(`sealed through the real segment writer${sealInWorker ? ' in the seal worker' : ''}: every row, column and string comes back per device`, async () => {
    const dataDir = tempDataDir();
    const sealed: { path: string; walLsn: number }[] = [];
    const store = createWritePath(
      { writeSegment, onSegment: (s) => sealed.push(s), now: () => M + 30_000, log: () => {} },
      { dataDir, sealInWorker },
    );
    await store.start();
    const first = CHUNK_ROWS + 1000;
    await store.append('acme', batch(first, 0, false));
    await store.append('acme', batch(5000, first, true));
    const total = first + 5000;
    const before = [1, 2, 3].map((d) => store.readOpen('acme', M, d, ['in_bytes', 'http_host', 'dst_geo']));
    assert.equal(
      before.reduce((n, r) => n + r.rows, 0),
      total,
    );
    await store.sealNow({ all: true });
    assert.equal(sealed.length, 1);
    const reader = openSegment(sealed[0]!.path);
    assert.equal(reader.meta.header.walLsn, 2);
    assert.deepEqual(
      reader.meta.parts.map((p) => [p.deviceId, p.rows]),
      before.map((r, i) => [i + 1, r.rows]),
    );
    reader.meta.parts.forEach((_part, i) => {
      const got = reader.readPart(i, ['in_bytes', 'http_host', 'dst_geo', 'src_addr']);
      const want = before[i]!;
      const key = (cols: typeof got, r: number) => {
        const bytes = cols.columns.in_bytes![r]!;
        return `${bytes}|${cols.dicts.http_host![cols.columns.http_host![r]!]}|${cols.dicts.dst_geo![cols.columns.dst_geo![r]!]}`;
      };
      const gotKeys = Array.from({ length: got.rows }, (_, r) => key(got, r)).sort();
      const wantKeys = Array.from({ length: want.rows }, (_, r) => key(want, r)).sort();
      assert.deepEqual(gotKeys, wantKeys);
      for (let r = 0; r < got.rows; r++) {
        assert.equal(got.columns.src_addr![r * 16 + 15], got.columns.in_bytes![r]! & 255);
      }
      const hosts = Array.from(
        { length: got.rows },
        (_, r) => got.dicts.http_host![got.columns.http_host![r]!],
      );
      assert.equal(
        hosts.filter((h) => h !== '').length,
        [...wantKeys].filter((k) => !k.includes('||')).length,
      );
    });
    reader.close();
    await store.stop();
  });
}
