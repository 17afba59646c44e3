import { createHook } from 'node:async_hooks';

/**
 * FLOWLENS_DEBUG_HANDLES=1 (for tests): once the command has finished, prints to stderr what could
 * still keep the process running — libuv handles and timers (process.getActiveResourcesInfo()) and
 * worker threads, which that list leaves out (tracked with async_hooks from the start). A command
 * that closed everything prints only its own stdio pipes, and the process exits at once.
 */
export function trackActiveHandles(): () => void {
  const workers = new Set<number>();
  const hook = createHook({
    init(id, type) {
      if (type === 'WORKER') workers.add(id);
    },
    destroy(id) {
      workers.delete(id);
    },
  }).enable();
  return () => {
    // Two turns of the event loop, so that handles closed just before have run their close callbacks.
    setImmediate(() =>
      setImmediate(() => {
        hook.disable();
        const active = [
          ...process.getActiveResourcesInfo().filter((r) => r !== 'Immediate'),
          ...[...workers].map(() => 'Worker'),
        ];
        process.stderr.write(`flowlens: active after the command: ${JSON.stringify(active)}\n`);
      }),
    );
  };
}
