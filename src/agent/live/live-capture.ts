import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { CaptureStats } from '../../capture/errors.js';
import { CaptureReader, type CaptureSummary, type PacketHandler } from '../../capture/reader.js';
import { type ByteSource, StreamSource } from '../../capture/source.js';
import { TeeSource } from '../../capture/tee-source.js';
import type { PacketSource } from '../contract.js';
import { type LiveCaptureOptions, tcpdumpArgs } from './tcpdump-command.js';
import { newTcpdumpCounts, readTcpdumpCounts, type TcpdumpCounts } from './tcpdump-counts.js';

/** How long tcpdump has to exit after SIGTERM before it is killed. */
const STOP_GRACE_MS = 5000;

export interface LiveCaptureHooks {
  /** tcpdump's own messages ("listening on …", warnings, errors), line by line. */
  message?(line: string): void;
}

/** Where the capture is also saved (--write): an open file, and who hears that saving failed. */
export interface CaptureSave {
  readonly fd: number;
  onError(err: Error): void;
}

/**
 * A live capture: tcpdump writing pcap to a pipe, read in place by a CaptureReader. `start`
 * resolves once tcpdump is capturing (it said "listening on"), with its privileges already
 * given up when `switchTo` was set; it rejects with tcpdump's own words when tcpdump cannot
 * start (no such interface, a bad filter, no permission). `stop` ends the capture: tcpdump
 * writes what it holds and exits, the pipe ends, and `read` resolves.
 */
export class LiveCapture implements PacketSource {
  /** tcpdump's latest counts (updated at exit, and after each `requestCounts`). */
  readonly counts: TcpdumpCounts = newTcpdumpCounts();
  /** Resolves when tcpdump has exited. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private readonly reader: CaptureReader;
  private readonly source: ByteSource;
  private readonly lines: string[] = [];
  private stopRequested = false;
  private running = true;
  private killTimer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly child: ChildProcessByStdio<null, Readable, Readable>,
    private readonly hooks: LiveCaptureHooks,
    save: CaptureSave | undefined,
  ) {
    const stream = new StreamSource(child.stdout);
    this.source = save === undefined ? stream : new TeeSource(stream, save.fd, save.onError);
    this.reader = new CaptureReader(this.source);
    this.exited = new Promise((resolve) => {
      child.once('close', (code, signal) => {
        this.running = false;
        clearTimeout(this.killTimer);
        resolve({ code, signal });
      });
    });
    let partial = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      const parts = (partial + text).split('\n');
      partial = parts.pop()!;
      for (const line of parts) this.line(line);
    });
    child.stderr.on('end', () => {
      if (partial !== '') this.line(partial);
    });
  }

  static start(
    options: LiveCaptureOptions,
    switchTo: string | undefined,
    hooks: LiveCaptureHooks = {},
    save?: CaptureSave,
  ): Promise<LiveCapture> {
    return new Promise((resolve, reject) => {
      const child = spawn(options.command, tcpdumpArgs(options, switchTo), {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let settled = false;
      child.once('error', (err: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        reject(
          new Error(
            err.code === 'ENOENT'
              ? `${options.command} not found: live capture needs tcpdump (Debian package 'tcpdump')`
              : `cannot run ${options.command}: ${err.message}`,
          ),
        );
      });
      const capture = new LiveCapture(
        child,
        {
          message(line) {
            hooks.message?.(line);
            if (!settled && line.includes('listening on')) {
              settled = true;
              resolve(capture);
            }
          },
        },
        save,
      );
      void capture.exited.then(({ code, signal }) => {
        if (settled) return;
        settled = true;
        reject(new Error(capture.exitText(code, signal)));
      });
    });
  }

  /** The packets, until tcpdump exits (after `stop`, or on its own: see `failure`). */
  async read(onPacket: PacketHandler): Promise<CaptureSummary> {
    let summary: CaptureSummary | undefined;
    try {
      summary = await this.reader.read(onPacket);
    } finally {
      // Stopped before the pipe ended (the handler said stop, a corrupt stream): release tcpdump,
      // which may be blocked writing to a full pipe (closing our end makes that write fail).
      if (summary?.complete !== true && this.running) {
        this.stop();
        this.child.stdout.destroy();
      }
    }
    await this.exited;
    await this.source.close(); // and with it the --write file
    return summary;
  }

  /** Asks tcpdump to stop (SIGTERM); it is killed if it has not exited a few seconds later. */
  stop(): void {
    if (!this.running) return;
    if (this.stopRequested) {
      this.child.kill('SIGKILL');
      return;
    }
    this.stopRequested = true;
    this.child.kill('SIGTERM');
    this.killTimer = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    this.killTimer.unref();
  }

  /** Asks tcpdump for its counts (SIGUSR1): `counts` is updated when it answers. */
  requestCounts(): void {
    if (this.running) this.child.kill('SIGUSR1');
  }

  /** The pcap stream's own counters (a truncated or corrupt stream: never expected from tcpdump). */
  get captureStats(): CaptureStats {
    return this.reader.stats;
  }

  /** tcpdump's process id. */
  get pid(): number {
    return this.child.pid ?? -1;
  }

  /**
   * tcpdump's error when it failed (its messages and exit status); undefined while it runs and
   * after a clean exit (status 0: it was stopped by a signal, ours or anyone's, or a kill after
   * `stop`).
   */
  failure(): string | undefined {
    if (this.running) return undefined;
    const { exitCode, signalCode } = this.child;
    if (exitCode === 0 || (this.stopRequested && signalCode !== null)) return undefined;
    return this.exitText(exitCode, signalCode);
  }

  private exitText(code: number | null, signal: NodeJS.Signals | null): string {
    const said = this.lines.filter((l) => !l.includes('listening on')).join(' ');
    const how = signal !== null ? `was killed by ${signal}` : `exited with status ${code}`;
    return said === '' ? `tcpdump ${how}` : `${said} (tcpdump ${how})`;
  }

  private line(line: string): void {
    if (line === '' || readTcpdumpCounts(line, this.counts)) return;
    this.lines.push(line);
    if (this.lines.length > 20) this.lines.shift();
    this.hooks.message?.(line);
  }
}
