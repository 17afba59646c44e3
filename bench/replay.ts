import { Worker } from 'node:worker_threads';
import type { SenderOptions, SenderResult } from './sender.js';

/** Runs the sender worker to completion and returns what it sent. */
export function replay(options: SenderOptions): Promise<SenderResult> {
  const worker = new Worker(new URL('./sender.js', import.meta.url), { workerData: options });
  return new Promise((resolve, reject) => {
    worker.once('message', (r: SenderResult) => {
      resolve(r);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`sender worker exited with ${code}`));
    });
  });
}

/**
 * Resolves once `count()` has stopped changing for `quietMs` (the receiver has drained the
 * kernel buffer after the sender stopped) or has reached `target`.
 */
export function drained(count: () => number, target: number, quietMs = 500): Promise<void> {
  return new Promise((resolve) => {
    let last = count();
    let since = performance.now();
    const check = () => {
      const now = count();
      if (now >= target) return resolve();
      if (now !== last) {
        last = now;
        since = performance.now();
      } else if (performance.now() - since >= quietMs) return resolve();
      setTimeout(check, 50);
    };
    check();
  });
}
