import type { Duplex } from 'node:stream';
import { type Frame, FrameReader } from './frame-reader.js';
import { type WireTap, WireWriter } from './wire-writer.js';

/** Input a client may send ahead while a query runs, before we stop reading from it. */
const MAX_AHEAD_BYTES = 1 << 20;

/**
 * One client's byte stream as frames in and messages out. Pull-based: the connection awaits the
 * next frame; bytes that arrive meanwhile are buffered (up to a bound, then the socket is paused),
 * so a query in progress still sees the client go away.
 */
export class WireSocket {
  writer: WireWriter;
  private readonly reader: FrameReader;
  private socket: Duplex;
  private wake: (() => void) | undefined;
  private closed = false;
  private readonly onClose: (() => void)[] = [];

  constructor(
    socket: Duplex,
    maxMessageBytes: number,
    maxStartupBytes: number,
    private readonly tap?: WireTap,
  ) {
    this.socket = socket;
    this.reader = new FrameReader(maxMessageBytes, maxStartupBytes);
    this.writer = new WireWriter(socket, tap);
    this.listen(socket);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Bytes received and not yet read as frames (a client must send nothing before a TLS handshake). */
  get buffered(): number {
    return this.reader.buffered;
  }

  /** Runs `fn` once when the client goes away (or we close). */
  whenClosed(fn: () => void): void {
    if (this.closed) fn();
    else this.onClose.push(fn);
  }

  /** The next frame; null once the client has gone. Throws ProtocolError on bad framing. */
  async nextFrame(startup: boolean): Promise<Frame | null> {
    for (;;) {
      const frame = this.reader.next(startup);
      if (frame !== undefined) return frame;
      if (this.closed) return null;
      if (this.socket.isPaused()) this.socket.resume();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  /** Switches to another stream over the same connection (TLS after SSLRequest). */
  upgrade(socket: Duplex): void {
    this.socket.removeAllListeners('data');
    this.socket = socket;
    this.writer = new WireWriter(socket, this.tap);
    this.listen(socket);
  }

  /** Flushes what is pending and ends the connection. */
  close(): void {
    this.writer.flush();
    this.socket.end();
    this.markClosed();
  }

  destroy(): void {
    this.socket.destroy();
    this.markClosed();
  }

  private listen(socket: Duplex): void {
    socket.on('data', (chunk: Buffer) => {
      this.tap?.bytesReceived(chunk.length);
      this.reader.push(chunk);
      if (this.reader.buffered > MAX_AHEAD_BYTES) socket.pause();
      this.notify();
    });
    socket.on('error', () => this.markClosed());
    socket.on('close', () => this.markClosed());
    socket.on('end', () => this.markClosed());
  }

  private markClosed(): void {
    if (!this.closed) {
      this.closed = true;
      for (const fn of this.onClose.splice(0)) fn();
    }
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
