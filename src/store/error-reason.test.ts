import assert from 'node:assert/strict';
import { test } from 'node:test';
import { failPointError, setFailPoint } from '../metrics/failpoint.js';
import { errorReason } from './error-reason.js';
import { CorruptSegmentError } from './segment/types.js';
import { StoreError, toStoreError } from './write/errors.js';

const errno = (code: string) => Object.assign(new Error(code), { code });

test('errno codes map to a small set of reasons, through StoreError causes', () => {
  assert.equal(errorReason(errno('ENOSPC')), 'disk_full');
  assert.equal(errorReason(errno('EDQUOT')), 'disk_full');
  assert.equal(errorReason(toStoreError(errno('ENOSPC'), 'x')), 'disk_full', 'store_disk_full');
  assert.equal(errorReason(toStoreError(errno('EIO'), 'x')), 'io', 'store_write_failed: its cause');
  assert.equal(errorReason(toStoreError(errno('EACCES'), 'x')), 'permission');
  assert.equal(errorReason(errno('EROFS')), 'read_only');
  assert.equal(errorReason(errno('ENOENT')), 'not_found');
  assert.equal(errorReason(errno('EMFILE')), 'too_many_files');
  assert.equal(errorReason(new StoreError('store_stopped', 'x')), 'stopped');
  assert.equal(errorReason(new CorruptSegmentError('/x.seg', 'bad crc')), 'corrupt');
  assert.equal(errorReason(toStoreError(new CorruptSegmentError('/x.seg', 'bad crc'), 'x')), 'corrupt');
});

test('unknown codes, strings and undefined are "other": the tag never takes an unbounded value', () => {
  assert.equal(errorReason(errno('EWHATEVER')), 'other');
  assert.equal(errorReason(new Error('no code')), 'other');
  assert.equal(errorReason('a string'), 'other');
  assert.equal(errorReason(undefined), 'other');
  assert.equal(errorReason(null), 'other');
  assert.equal(errorReason(toStoreError(errno('toString'), 'x')), 'other', 'not an inherited property');
});

test('fail point errors carry the code they were given; a panic is fail_point', () => {
  setFailPoint('store.test.reason', '1*return(ENOSPC)->return');
  assert.equal(errorReason(failPointError('store.test.reason')), 'disk_full');
  assert.equal(errorReason(failPointError('store.test.reason')), 'io', 'return without a value: EIO');
  setFailPoint('store.test.reason', 'panic(boom)');
  assert.throws(
    () => failPointError('store.test.reason'),
    (err) => errorReason(err) === 'fail_point',
  );
  setFailPoint('store.test.reason', 'off');
});
