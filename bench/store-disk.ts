import { closeSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { round } from './store-ingest.js';

/**
 * How fast this machine's disk takes sequential writes with an fsync after each 4 MiB — the WAL's
 * pattern with one ~4 MB record per batch — measured in the work directory before ingest, so the
 * ingest figure can be read against what the disk allows.
 */
export function measureDiskWrite(dir: string, totalBytes = 256 * 1024 * 1024) {
  const chunk = new Uint8Array(4 * 1024 * 1024).fill(0xa5);
  const path = join(dir, 'disk-probe.tmp');
  const fd = openSync(path, 'w');
  const started = performance.now();
  try {
    for (let done = 0; done < totalBytes; done += chunk.length) {
      writeSync(fd, chunk);
      fsyncSync(fd);
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  return {
    bytes: totalBytes,
    chunk_bytes: chunk.length,
    seconds: round(seconds),
    mb_per_sec: round(totalBytes / 1e6 / seconds, 1),
  };
}
