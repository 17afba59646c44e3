import { parentPort } from 'node:worker_threads';
import { type SerializedError, serializeError } from './error-transport.js';
import { transferablesOf } from './transferables.js';

/** The messages between the worker pool and a worker script. */
export interface TaskMessage<Task> {
  readonly id: number;
  readonly task: Task;
}

export type ResultMessage<Result> =
  | { readonly id: number; readonly ok: true; readonly result: Result }
  | { readonly id: number; readonly ok: false; readonly error: SerializedError };

/**
 * The worker side of the pool: call once at the top of a worker script. Tasks arrive one at a
 * time; each result goes back with its typed arrays' buffers transferred, each error serialized
 * (see error-transport.ts).
 */
export function serveTasks<Task, Result>(handle: (task: Task) => Result | Promise<Result>): void {
  const port = parentPort;
  if (port === null) throw new Error('serveTasks must run in a worker thread');
  port.on('message', (message: TaskMessage<Task>) => {
    void (async () => {
      let reply: ResultMessage<Result>;
      try {
        reply = { id: message.id, ok: true, result: await handle(message.task) };
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
