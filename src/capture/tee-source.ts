import { closeSync, writeSync } from 'node:fs';
import type { ByteSource } from './source.js';

/**
 * A byte source that also appends every byte it reads to an open file: `flowlens agent --write`
 * keeps the capture exactly as the agent analysed it (same packets, same timestamps), for a later
 * `--read` or for tshark. Saving is best effort: when a write fails (a full disk), saving stops,
 * `onError` hears why once, and the analysis goes on.
 */
export class TeeSource implements ByteSource {
  private fd: number | undefined;

  constructor(
    private readonly inner: ByteSource,
    fd: number,
    private readonly onError: (err: Error) => void,
  ) {
    this.fd = fd;
  }

  async read(into: Uint8Array, offset: number, length: number): Promise<number> {
    const n = await this.inner.read(into, offset, length);
    if (this.fd !== undefined && n > 0) {
      try {
        for (let done = 0; done < n; ) done += writeSync(this.fd, into, offset + done, n - done);
      } catch (err) {
        this.closeFile();
        this.onError(err as Error);
      }
    }
    return n;
  }

  async close(): Promise<void> {
    try {
      await this.inner.close();
    } finally {
      this.closeFile();
    }
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {}
  }
}
