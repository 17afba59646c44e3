import { connect, type Socket } from 'node:net';

/** A backend message as received: its type letter and body. */
export interface RawMessage {
  readonly type: string;
  readonly body: Buffer;
}

/**
 * A byte-level PostgreSQL frontend for tests that need what drivers hide: row limits,
 * PortalSuspended, error recovery until Sync, garbage. Speaks cleartext password auth only.
 */
export class RawClient {
  private buffer = Buffer.alloc(0);
  private waiter: (() => void) | undefined;
  private ended = false;

  private constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      this.wake();
    });
    socket.on('close', () => {
      this.ended = true;
      this.wake();
    });
    socket.on('error', () => {});
  }

  static async open(port: number): Promise<RawClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Opens, logs in with a cleartext password, and waits for the first ReadyForQuery. */
  static async login(
    port: number,
    user = 'flowlens',
    password = 'flowlens',
    extra: Record<string, string> = {},
  ): Promise<RawClient> {
    const client = await RawClient.open(port);
    client.startup({ user, database: 'flowlens', ...extra });
    const auth = await client.next();
    if (auth.type !== 'R' || auth.body.readInt32BE(0) !== 3)
      throw new Error(`expected a cleartext password request, got ${auth.type}`);
    client.send('p', cstr(password));
    await client.until('Z');
    return client;
  }

  get closed(): boolean {
    return this.ended;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  startup(params: Record<string, string>): void {
    const body = Buffer.concat([
      int32(196608),
      ...Object.entries(params).flatMap(([k, v]) => [cstr(k), cstr(v)]),
      Buffer.from([0]),
    ]);
    this.write(Buffer.concat([int32(body.length + 4), body]));
  }

  send(type: string, body: Buffer = Buffer.alloc(0)): void {
    this.write(Buffer.concat([Buffer.from(type), int32(body.length + 4), body]));
  }

  query(sql: string): void {
    this.send('Q', cstr(sql));
  }

  parse(name: string, sql: string, types: number[] = []): void {
    this.send('P', Buffer.concat([cstr(name), cstr(sql), int16(types.length), ...types.map(int32)]));
  }

  bind(
    portal: string,
    statement: string,
    params: (string | null)[] = [],
    resultFormats: number[] = [],
  ): void {
    const values = params.flatMap((p) =>
      p === null ? [int32(-1)] : [int32(Buffer.byteLength(p)), Buffer.from(p)],
    );
    this.send(
      'B',
      Buffer.concat([
        cstr(portal),
        cstr(statement),
        int16(0),
        int16(params.length),
        ...values,
        int16(resultFormats.length),
        ...resultFormats.map(int16),
      ]),
    );
  }

  describe(kind: 'S' | 'P', name: string): void {
    this.send('D', Buffer.concat([Buffer.from(kind), cstr(name)]));
  }

  execute(portal: string, maxRows = 0): void {
    this.send('E', Buffer.concat([cstr(portal), int32(maxRows)]));
  }

  sync(): void {
    this.send('S');
  }

  /** The next message; rejects when the server closes first. */
  async next(): Promise<RawMessage> {
    for (;;) {
      if (this.buffer.length >= 5) {
        const length = this.buffer.readInt32BE(1);
        if (this.buffer.length >= length + 1) {
          const message = {
            type: String.fromCharCode(this.buffer[0]!),
            body: this.buffer.subarray(5, length + 1),
          };
          this.buffer = this.buffer.subarray(length + 1);
          return message;
        }
      }
      if (this.ended) throw new Error('connection closed');
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  /** Messages up to and including the first of type `type`. */
  async until(type: string): Promise<RawMessage[]> {
    const out: RawMessage[] = [];
    for (;;) {
      const m = await this.next();
      out.push(m);
      if (m.type === type) return out;
    }
  }

  /** Resolves once the server has closed the connection. */
  async closedByServer(): Promise<void> {
    while (!this.ended)
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
  }

  close(): void {
    this.socket.destroy();
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

/** The fields of an ErrorResponse or NoticeResponse by their one-letter codes. */
export function errorFields(m: RawMessage): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < m.body.length && m.body[i] !== 0) {
    const code = String.fromCharCode(m.body[i]!);
    const end = m.body.indexOf(0, i + 1);
    out[code] = m.body.toString('utf8', i + 1, end);
    i = end + 1;
  }
  return out;
}

/** A DataRow's cells as text (null for NULL). */
export function dataRow(m: RawMessage): (string | null)[] {
  const n = m.body.readInt16BE(0);
  const out: (string | null)[] = [];
  let pos = 2;
  for (let i = 0; i < n; i++) {
    const len = m.body.readInt32BE(pos);
    pos += 4;
    if (len < 0) out.push(null);
    else {
      out.push(m.body.toString('utf8', pos, pos + len));
      pos += len;
    }
  }
  return out;
}

export function cstr(s: string): Buffer {
  return Buffer.concat([Buffer.from(s), Buffer.from([0])]);
}

export function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n);
  return b;
}
