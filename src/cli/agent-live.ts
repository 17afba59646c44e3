import { closeSync, openSync } from 'node:fs';
import type { PacketSource } from '../agent/contract.js';
import { LiveCapture } from '../agent/live/live-capture.js';
import type { LiveSourceOptions } from '../agent/live/live-flags.js';
import { dropPrivileges, lookupUser, type UnixUser } from '../agent/live/privileges.js';
import type { AgentPipeline } from '../agent/pipeline.js';
import type { CaptureStats } from '../capture/errors.js';

/** The flow clock moves this often without packets (idle timeouts, minute boundaries). */
const TICK_MS = 1000;
/** tcpdump is asked for its counts (kernel drops) this often. */
const COUNTS_MS = 10_000;

/** A running live capture, as `flowlens agent --interface` uses it. */
export interface LiveSource {
  readonly source: PacketSource;
  /** Starts the clock ticks and the count requests (once the pipeline exists). */
  attach(pipeline: AgentPipeline): void;
  /** Stops tcpdump if it still runs and waits for it; stops the timers and signal handlers. */
  close(): Promise<void>;
  /** tcpdump's error when it failed (the run then exits 1), else undefined. */
  failure(): string | undefined;
  /** Packets the kernel dropped, by tcpdump's latest count. */
  kernelDrops(): number;
  /** The pcap stream's own counters. */
  captureStats(): CaptureStats;
  /** The summary's `live` field. */
  report(): Record<string, unknown>;
}

/**
 * Starts tcpdump on the interface and gives up root: tcpdump opens the interface as root and
 * switches to the user (-Z), then this process switches to the same user (by default `nobody`
 * when started as root), so that neither keeps a privilege once capturing and the agent can
 * still signal tcpdump. SIGINT and SIGTERM stop tcpdump; the pipe then ends and the run finishes
 * (every flow exported). Rejects with tcpdump's own message when it cannot start.
 */
export async function openLiveSource(o: LiveSourceOptions, say: (line: string) => void): Promise<LiveSource> {
  const root = process.getuid?.() === 0;
  const name = o.runAs ?? (root ? 'nobody' : undefined);
  let user: UnixUser | undefined;
  if (name !== undefined) {
    if (!root)
      throw new Error(
        `--run-as ${name}: switching users needs root; run as root, or give tcpdump the capture ` +
          'capability and run without --run-as (docs/agent.md, "Live capture")',
      );
    user = lookupUser(name);
  }
  // Opened now, while this process may still write where its user can.
  let saveFd: number | undefined;
  if (o.write !== undefined) {
    try {
      saveFd = openSync(o.write, 'w', 0o640);
    } catch (err) {
      throw new Error(`--write ${o.write}: ${(err as Error).message}`);
    }
  }
  const save =
    saveFd === undefined
      ? undefined
      : {
          fd: saveFd,
          onError: (err: Error) => say(`flowlens agent: --write ${o.write}: ${err.message}; saving stopped`),
        };
  // A signal while tcpdump starts stops it as soon as it runs (the default action would leave it
  // orphaned, capturing until its next write fails).
  let capture: LiveCapture | undefined;
  let stopAsked = false;
  const stop = () => {
    stopAsked = true;
    capture?.stop();
  };
  const release = () => {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    capture = await LiveCapture.start(o, user?.name, { message: say }, save);
  } catch (err) {
    release();
    if (saveFd !== undefined) closeSync(saveFd);
    throw err;
  }
  const running = capture;
  if (user !== undefined) {
    try {
      dropPrivileges(user);
    } catch (err) {
      running.stop();
      await running.exited;
      release();
      throw new Error(`cannot switch to user ${user.name}: ${(err as Error).message}`);
    }
  }
  say(
    `flowlens agent: capturing on ${o.interface} (tcpdump pid ${running.pid}) as user ${user?.name ?? String(process.getuid?.())}`,
  );
  if (stopAsked) running.stop();
  const timers: NodeJS.Timeout[] = [];
  return {
    source: running,
    attach(pipeline) {
      timers.push(
        setInterval(() => pipeline.tick(), TICK_MS),
        setInterval(() => running.requestCounts(), COUNTS_MS),
      );
    },
    async close() {
      for (const timer of timers) clearInterval(timer);
      running.stop();
      await running.exited;
      release();
    },
    failure: () => running.failure(),
    kernelDrops: () => running.counts.droppedByKernel,
    captureStats: () => running.captureStats,
    report: () => ({
      interface: o.interface,
      user: user?.name,
      tcpdump_captured: running.counts.captured,
      tcpdump_received_by_filter: running.counts.receivedByFilter,
      kernel_dropped: running.counts.droppedByKernel,
      interface_dropped: running.counts.droppedByInterface,
    }),
  };
}
