import { parentPort } from 'node:worker_threads';
import { type SerializedError, serializeError } from './error-transport.js';
import { transferablesOf } from './transferables.js';

/** The messages between the worker pool and a worker script. */
export interface TaskMessage<Task> {
  readonly id: number;
  readonly task: Task;
}

export type ResultMessage<Result> =
  | {
      readonly id: number;
      readonly ok: true;
      readonly result: Result;
      /** Seconds the task took in the worker: one per job the handler timed, else the whole task. */
      readonly seconds?: readonly number[] | undefined;
    }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };

/**
 * The worker side of the pool: call once at the top of a worker script. Tasks arrive one at a
 * time; each result goes back with its typed arrays' buffers transferred, each error serialized
 * (see error-transport.ts). A handler that runs several jobs per task may push each job's
 * seconds into `seconds`; when it pushes none, the task's own duration is reported.
 */
export function serveTasks<Task, Result>(
  handle: (task: Task, seconds: number[]) => Result | Promise<Result>,
): void {
  const port = parentPort;
  if (port === null) throw new Error('serveTasks must run in a worker thread');
  port.on('message', (message: TaskMessage<Task>) => {
    void (async () => {
      let reply: ResultMessage<Result>;
      const seconds: number[] = [];
      const started = performance.now();
      try {
        const result = await handle(message.task, seconds);
        if (seconds.length === 0) seconds.push((performance.now() - started) / 1000);
        reply = { id: message.id, ok: true, result, seconds };
      } catch (err) {
        port.postMessage({ id: message.id, ok: false, error: serializeError(err) });
        return;
      }
      try {
        port.postMessage(reply, transferablesOf(reply.result));
      } catch (err) {
        port.postMessage({ id: message.id, ok: false, error: serializeError(err) });
      }
    })();
  });
}
