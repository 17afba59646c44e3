/**
 * CPU time of the segment writer's stages, for measurement (bench/store-ingest-writer.ts
 * --stages): on this shared machine whole-writer timings vary by ±30 % from run to run, while
 * each stage's share of the same run repeats within a few percent. `lap(name)` adds the CPU
 * microseconds since the previous lap (or the clock's creation) to `name`. Process CPU time
 * (`process.cpuUsage`): meaningful on a thread that is the process's only busy one.
 */
export class StageClock {
  private last = StageClock.now();

  constructor(readonly times: Map<string, number>) {}

  lap(name: string): void {
    const now = StageClock.now();
    this.times.set(name, (this.times.get(name) ?? 0) + now - this.last);
    this.last = now;
  }

  private static now(): number {
    const u = process.cpuUsage();
    return u.user + u.system;
  }
}
