import type { Content } from './agent-content.js';
import { appDataRecord } from './agent-payloads.js';
import type { PcapStreamWriter } from './agent-pcap-writer.js';
import type { TcpConn } from './agent-tcp-script.js';

/** A generated conversation: writes its packets one at a time, in time order. */
export interface Session {
  /** Writes the next packet; returns the time of the one after it, or -1 when the session ended. */
  step(w: PcapStreamWriter): number;
}

export type TcpApp = 'http' | 'tls' | 'opaque';

export interface TcpPlan {
  readonly app: TcpApp;
  /** Request/response exchanges after the handshake(s). */
  readonly exchanges: number;
  /** Draws the idle time before the next exchange, ms. */
  readonly gapMs: () => number;
  /** Mean server think time, ms. */
  readonly meanThinkMs: number;
  /** Who ends it: the client's FIN, the server's FIN, or a RST. */
  readonly close: 'client' | 'server' | 'reset';
  /** `opaque` request and response sizes (bytes, upper bounds of uniform draws). */
  readonly opaqueRequest?: number;
  readonly opaqueResponse?: number;
}

const Phase = { handshake: 0, tls: 1, exchange: 2, close: 3, done: 4 } as const;

/**
 * A TCP connection's life: handshake, a TLS handshake for `tls`, `exchanges` request/response
 * pairs separated by idle gaps, then the close. The next step is scheduled when the connection's
 * queue runs empty, after the last packet written.
 */
export class TcpSession implements Session {
  private phase: number = Phase.handshake;
  private left: number;

  constructor(
    private readonly conn: TcpConn,
    private readonly plan: TcpPlan,
    private readonly c: Content,
    start: number,
  ) {
    this.left = plan.exchanges;
    conn.handshake(start);
    conn.settle();
    this.phase = plan.app === 'tls' ? Phase.tls : Phase.exchange;
  }

  get first(): number {
    return this.conn.next();
  }

  step(w: PcapStreamWriter): number {
    const t = this.conn.write(w);
    const next = this.conn.next();
    if (next >= 0) return next;
    this.schedule(t);
    this.conn.settle();
    return this.conn.next();
  }

  private schedule(t: number): void {
    const conn = this.conn;
    const rng = this.c.rng;
    const think = rng.exponential(this.plan.meanThinkMs);
    switch (this.phase) {
      case Phase.tls: {
        const tls13 = rng.next() < 0.8;
        const hello = this.c.clientHello();
        let r = conn.message(t + 0.2, true, hello.length, hello);
        const sh = this.c.serverHellos[tls13 ? rng.int(3) : 3 + rng.int(2)]!;
        r = conn.message(conn.react(r, false, 0.3 + rng.exponential(1)), false, 2400 + rng.int(2400), sh);
        r = conn.message(conn.react(r, true, 0.5), true, tls13 ? 64 : 126, undefined);
        if (!tls13) conn.message(conn.react(r, false, 0.2), false, 51, undefined);
        this.phase = Phase.exchange;
        return;
      }
      case Phase.exchange: {
        if (this.left <= 0) {
          this.phase = Phase.close;
          this.schedule(t);
          return;
        }
        const start = this.left === this.plan.exchanges ? t + 0.1 : t + this.plan.gapMs();
        this.left--;
        this.exchange(start, think);
        return;
      }
      case Phase.close: {
        const close = this.plan.close;
        conn.close(t + rng.exponential(50), close !== 'server', close === 'reset');
        this.phase = Phase.done;
        return;
      }
      default:
        return;
    }
  }

  private exchange(start: number, think: number): void {
    const conn = this.conn;
    const rng = this.c.rng;
    if (this.plan.app === 'http') {
      const x = this.c.http();
      const r = conn.message(start, true, x.request.length, x.request);
      conn.message(conn.react(r, false, think), false, x.responseLength, x.response);
    } else if (this.plan.app === 'tls') {
      const r = conn.message(start, true, 120 + rng.int(800), appDataRecord);
      conn.message(conn.react(r, false, think), false, this.c.bodySize(), appDataRecord);
    } else {
      const r = conn.message(start, true, 20 + rng.int(this.plan.opaqueRequest ?? 300), undefined);
      conn.message(
        conn.react(r, false, think),
        false,
        20 + rng.int(this.plan.opaqueResponse ?? 2000),
        undefined,
      );
    }
  }
}
