import { postFlows } from './server-process.js';
import { prng } from './store-flows.js';

/**
 * The crash test's client: sends flows continuously over HTTP, each with a unique sequence number
 * in in_bytes (and i_device_id = 1 + seq % 3, to catch rows that come back garbled), and records
 * which requests the server acknowledged (200). Times are spread so that sealing, minute merges,
 * hourly compaction and retention (40-day-old rows) all happen while it sends. No flow is in the
 * current minute: its rows would hold every WAL file until the minute seals (up to a minute),
 * and the WAL deletion fail point would wait that long (test/server-ingest covers that path).
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;
export const rowsPerRequest = 40;

export class FlowLedger {
  nextSeq = 1;
  /** Sequence numbers of acknowledged flows. */
  readonly acked = new Set<number>();
  /** Sequence numbers older than retention: they may be gone, never doubled. */
  readonly expired = new Set<number>();
  requests = 0;
  acks = 0;
  refused = 0;
  private readonly rnd: () => number;

  constructor(seed: number) {
    this.rnd = prng(seed);
  }

  /** One request's worth of JSON lines, and the sequence numbers in it. */
  nextRequest(now: number): { lines: string[]; seqs: number[] } {
    const lines: string[] = [];
    const seqs: number[] = [];
    for (let i = 0; i < rowsPerRequest; i++) {
      const seq = this.nextSeq++;
      const flow: Record<string, unknown> = {
        i_device_id: 1 + (seq % 3),
        i_device_name: `router-${1 + (seq % 3)}`,
        src_addr: `10.${(seq >> 16) & 255}.${(seq >> 8) & 255}.${seq & 255}`,
        dst_addr: seq % 5 === 0 ? `2001:db8::${(seq & 0xffff).toString(16)}` : '192.0.2.7',
        l4_src_port: seq & 0xffff,
        l4_dst_port: 443,
        protocol: 6,
        in_bytes: seq,
        in_pkts: 1,
      };
      // A few minutes only, so sealing makes few files: 70% in the last minutes (each sealed a
      // grace period after it ends, then late segments, merged by compaction), 25% in an hour of
      // three hours ago (hourly compaction), 5% older than retention (deleted by it).
      const r = this.rnd();
      const minute = now - (now % MINUTE);
      if (r < 0.7) flow.i_start_time = minute - (2 + Math.floor(this.rnd() * 3)) * MINUTE;
      else if (r < 0.95) flow.i_start_time = minute - 3 * HOUR - Math.floor(this.rnd() * 3) * MINUTE;
      else {
        flow.i_start_time = minute - 40 * DAY;
        this.expired.add(seq);
      }
      lines.push(JSON.stringify(flow));
      seqs.push(seq);
    }
    return { lines, seqs };
  }

  /**
   * Sends with `concurrency` loops until `stop` resolves or the server goes away; resolves when
   * every loop has ended (so every request's outcome is recorded).
   */
  async send(url: string, concurrency: number, stop: Promise<unknown>): Promise<void> {
    let stopped = false;
    void stop.then(() => {
      stopped = true;
    });
    const loop = async () => {
      while (!stopped) {
        const { lines, seqs } = this.nextRequest(Date.now());
        this.requests++;
        let status = 0;
        try {
          status = (await postFlows(url, 'acme', lines)).status;
        } catch {
          return; // the connection broke: the server is gone
        }
        if (status === 200) {
          this.acks++;
          for (const seq of seqs) this.acked.add(seq);
        } else this.refused++;
      }
    };
    await Promise.all(Array.from({ length: concurrency }, loop));
  }
}
