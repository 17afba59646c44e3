import { QueryError } from '../../src/query/errors.js';
import { serveTasks } from '../../src/query/runtime/worker-protocol.js';
import { StaleJobError } from '../../src/store/read/errors.js';
import { CorruptSegmentError } from '../../src/store/segment/types.js';

/** A worker script for the pool's tests: each task kind exercises one behaviour of the pool. */
export type TestTask =
  | { readonly kind: 'echo'; readonly label: string }
  /** Blocks the thread until the main thread stores a non-zero value in gate[0]. */
  | { readonly kind: 'gate'; readonly gate: Int32Array; readonly label: string }
  /** Returns a fresh Float64Array of `length` holding 0, 1, 2, … */
  | { readonly kind: 'array'; readonly length: number }
  /** Whether the buffer of the last 'array' result was detached here (moved, not copied). */
  | { readonly kind: 'lastDetached' }
  | { readonly kind: 'sum'; readonly values: Float64Array }
  | { readonly kind: 'crash'; readonly how: 'exit' | 'throw' }
  | { readonly kind: 'fail'; readonly error: 'stale' | 'corrupt' | 'query' | 'plain'; readonly path: string };

let lastArray: Float64Array | undefined;

serveTasks<TestTask, unknown>((task) => {
  switch (task.kind) {
    case 'echo':
      return task.label;
    case 'gate':
      while (Atomics.load(task.gate, 0) === 0) Atomics.wait(task.gate, 0, 0);
      return task.label;
    case 'array': {
      const out = new Float64Array(task.length);
      for (let i = 0; i < out.length; i++) out[i] = i;
      lastArray = out;
      return { values: out };
    }
    case 'lastDetached':
      return lastArray !== undefined && lastArray.byteLength === 0;
    case 'sum':
      return task.values.reduce((a, b) => a + b, 0);
    case 'crash':
      if (task.how === 'exit') process.exit(3);
      setImmediate(() => {
        throw new Error('boom');
      });
      return new Promise(() => {});
    case 'fail':
      if (task.error === 'stale') throw new StaleJobError(task.path);
      if (task.error === 'corrupt') throw new CorruptSegmentError(task.path, 'checksum mismatch in block 2');
      if (task.error === 'query') throw new QueryError('22012', 'division by zero', { hint: 'check b' });
      throw Object.assign(new TypeError('plain failure'), { code: 'E_PLAIN' });
  }
});
