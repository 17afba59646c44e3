import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { expandAddressDicts } from '../../../test/helpers/address-dicts.js';
import { repoRoot } from '../../../test/helpers/paths.js';
import type { JobColumns, ScanJob } from '../backend.js';
import { ReadBuffers } from '../encoding/column-alloc.js';
import { writeSegmentSync } from '../segment/index.js';
import { tempDir } from '../segment/test-support.js';
import { FIXTURE_BUCKET, fixtureHeader, fixtureParts, fixtureSchema } from '../segment/v2-fixture.js';
import { readSealedJob } from './read-sealed.js';
import { closeAllReaders } from './reader-cache.js';

const names = fixtureSchema.map((c) => c.name);
const addrs = fixtureSchema.filter((c) => c.type === 'addr').map((c) => c.name);

function cells(job: JobColumns): string[] {
  return names.map((name) => {
    const a = job.columns[name]!;
    return name === 'i_device_name'
      ? Array.from(a, (code) => job.dicts[name]![code]).join(',')
      : Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('hex');
  });
}

test('a job over a version 3 part and version 4 parts gives one dictionary: entries merged, v3 rows looked up', (t) => {
  t.after(closeAllReaders);
  const v3 = `${repoRoot}src/store/segment/testdata/v3-small.seg`;
  const v4 = join(tempDir(), 'v4.seg');
  // The same rows as the fixture, written now: version 4, with address dictionaries.
  writeSegmentSync(v4, fixtureHeader, fixtureSchema, fixtureParts());
  const ref = (path: string, part: number) => ({ path, part, bytes: statSync(path).size });
  const job: ScanJob = {
    tenant: 'acme',
    resolution: 'minute',
    bucket: FIXTURE_BUCKET,
    deviceId: 1,
    rows: 0,
    sealed: true,
    dataId: undefined,
    location: { kind: 'sealed', parts: [ref(v4, 0), ref(v3, 1), ref(v4, 1), ref(v3, 0)] },
  };
  const want = cells(readSealedJob(job, names));
  const buffers = new ReadBuffers();
  for (const got of [
    readSealedJob(job, names, undefined, { addressDicts: addrs }),
    readSealedJob(job, names, buffers, { addressDicts: addrs }),
    readSealedJob(job, names, buffers, { addressDicts: addrs }),
  ]) {
    const { job: expanded, dictColumns } = expandAddressDicts(got, names, addrs);
    assert.ok(dictColumns >= 2, 'src_addr and dst_addr as dictionaries');
    assert.deepEqual(cells(expanded), want);
    // Parts 0 of both files hold the same rows: the merged dictionary holds each address once,
    // so it is smaller than the four parts' addresses together.
    const size = got.addressDicts!.src_addr!.size;
    assert.ok(size < got.rows, `${size} entries for ${got.rows} rows`);
  }
  // A job of version 3 parts only: rows, nothing to merge.
  const old: ScanJob = { ...job, location: { kind: 'sealed', parts: [ref(v3, 0), ref(v3, 1)] } };
  const got = readSealedJob(old, names, buffers, { addressDicts: addrs });
  assert.deepEqual(got.addressDicts ?? {}, {});
  assert.deepEqual(cells(got), cells(readSealedJob(old, names)));
});
