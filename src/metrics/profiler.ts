import { Session } from 'node:inspector/promises';

/**
 * On-demand profiles of this process through node:inspector (in-process, no --inspect flag):
 *   cpuProfile   samples the main thread's stacks for N seconds; the result is the
 *                `.cpuprofile` JSON of Chrome DevTools (Performance → Load profile) and speedscope;
 *   heapSnapshot a full V8 heap snapshot (`.heapsnapshot`, DevTools Memory → Load), streamed in
 *                chunks as V8 serializes it.
 * Nothing runs until asked: a session is opened per profile and closed after. One profile at a
 * time (ProfilerBusy otherwise), since two would distort each other. Worker threads (the query
 * workers, the seal worker) have their own isolates and are not in these profiles.
 */

export class ProfilerBusy extends Error {
  readonly code = 'profile_in_progress';
}

/** The parts of a .cpuprofile the tests and tools read (V8's Profiler.Profile). */
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export const maxProfileSeconds = 60;

export class Profiler {
  private running: string | undefined;

  /** What is being profiled now, if anything. */
  get busy(): string | undefined {
    return this.running;
  }

  /**
   * Profiles the CPU for `seconds` (1-60) sampling every `intervalUs` µs. An abort (the client
   * went away) stops early and rejects with the abort reason.
   */
  async cpuProfile(seconds: number, signal?: AbortSignal, intervalUs = 1000): Promise<CpuProfile> {
    if (!(seconds >= 1 && seconds <= maxProfileSeconds))
      throw new RangeError(`seconds must be between 1 and ${maxProfileSeconds}`);
    return this.exclusive(`a ${seconds} s CPU profile`, async (session) => {
      await session.post('Profiler.enable');
      await session.post('Profiler.setSamplingInterval', { interval: intervalUs });
      await session.post('Profiler.start');
      const stopped = await wait(seconds * 1000, signal).then(
        () => undefined,
        (reason: unknown) => ({ reason }),
      );
      const { profile } = await session.post('Profiler.stop');
      if (stopped !== undefined) throw stopped.reason;
      return profile as unknown as CpuProfile;
    });
  }

  /** Writes a heap snapshot chunk by chunk; V8 pauses this thread while it serializes the heap. */
  async heapSnapshot(write: (chunk: string) => void): Promise<void> {
    await this.exclusive('a heap snapshot', async (session) => {
      session.on('HeapProfiler.addHeapSnapshotChunk', (message) => write(message.params.chunk));
      await session.post('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    });
  }

  private async exclusive<T>(what: string, run: (session: Session) => Promise<T>): Promise<T> {
    if (this.running !== undefined)
      throw new ProfilerBusy(`${this.running} is being taken; one profile at a time, retry when it is done`);
    this.running = what;
    const session = new Session();
    try {
      session.connect();
      return await run(session);
    } finally {
      session.disconnect();
      this.running = undefined;
    }
  }
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
