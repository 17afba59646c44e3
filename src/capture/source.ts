import { type FileHandle, open } from 'node:fs/promises';

/** Where capture bytes come from: a file or a stream (stdin, a pipe from tcpdump). */
export interface ByteSource {
  /** Reads up to `length` bytes into `into[offset..]`; resolves 0 at the end. */
  read(into: Uint8Array, offset: number, length: number): Promise<number>;
  close(): Promise<void>;
}

/** Reads a file with positional-free sequential reads. */
export class FileSource implements ByteSource {
  private constructor(private readonly handle: FileHandle) {}

  /** Opens `path`; rejects (ENOENT, EACCES, EISDIR…) before any capture parsing starts. */
  static async open(path: string): Promise<FileSource> {
    const handle = await open(path, 'r');
    try {
      if ((await handle.stat()).isDirectory()) throw new Error(`${path} is a directory`);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return new FileSource(handle);
  }

  async read(into: Uint8Array, offset: number, length: number): Promise<number> {
    const { bytesRead } = await this.handle.read(into, offset, length, null);
    return bytesRead;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/**
 * Adapts a stream of chunks (a Node Readable, `process.stdin`) to `ByteSource`. Chunks are copied
 * into the reader's buffer, so a chunk may be consumed across several reads.
 */
export class StreamSource implements ByteSource {
  private readonly chunks: AsyncIterator<Uint8Array | string>;
  private pending: Uint8Array | undefined;
  private pendingOffset = 0;
  private ended = false;

  constructor(stream: AsyncIterable<Uint8Array | string>) {
    this.chunks = stream[Symbol.asyncIterator]();
  }

  async read(into: Uint8Array, offset: number, length: number): Promise<number> {
    let copied = 0;
    while (copied < length) {
      if (this.pending === undefined) {
        // Block only when nothing has been copied yet: a live pipe must deliver what it has.
        if (copied > 0 || this.ended) break;
        const next = await this.chunks.next();
        if (next.done) {
          this.ended = true;
          break;
        }
        const chunk = next.value;
        this.pending = typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk;
        this.pendingOffset = 0;
      }
      const n = Math.min(length - copied, this.pending.length - this.pendingOffset);
      into.set(this.pending.subarray(this.pendingOffset, this.pendingOffset + n), offset + copied);
      copied += n;
      this.pendingOffset += n;
      if (this.pendingOffset >= this.pending.length) this.pending = undefined;
    }
    return copied;
  }

  async close(): Promise<void> {
    await this.chunks.return?.();
  }
}
