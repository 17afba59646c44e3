/**
 * Buffered line output to a stream (stdout), flushed in large writes. A closed reader
 * (`flowlens decode … | head`) sets `closed` instead of crashing, so the producer can stop.
 */
export class LineOutput {
  closed = false;
  private pending: string[] = [];
  private size = 0;

  constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly flushAt = 64 * 1024,
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE') this.closed = true;
      else throw err;
    });
  }

  line(text: string): void {
    if (this.closed) return;
    this.pending.push(text);
    this.size += text.length + 1;
    if (this.size >= this.flushAt) this.flush();
  }

  flush(): void {
    if (this.pending.length === 0 || this.closed) return;
    this.pending.push('');
    this.stream.write(this.pending.join('\n'));
    this.pending = [];
    this.size = 0;
  }

  /** Flushes and waits until the stream has taken everything. */
  async end(): Promise<void> {
    this.flush();
    if (this.closed) return;
    await new Promise<void>((resolve) => this.stream.write('', () => resolve()));
  }
}
