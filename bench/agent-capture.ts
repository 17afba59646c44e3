import { Content } from './agent-content.js';
import { PcapStreamWriter } from './agent-pcap-writer.js';
import { type Session, type TcpPlan, TcpSession } from './agent-sessions-tcp.js';
import {
  DhcpSession,
  DnsSession,
  PingSession,
  UdpStreamSession,
  UnreachableSession,
} from './agent-sessions-udp.js';
import { TcpConn, type TcpImpairment } from './agent-tcp-script.js';

export interface CaptureOptions {
  readonly path: string;
  readonly seed: number;
  /** Capture time covered, seconds. */
  readonly seconds: number;
  /** Multiplies every arrival rate and population. */
  readonly scale: number;
  /** Captured bytes of frames that continue a message (the first frame of each is whole). */
  readonly slice: number;
}

/** When the capture starts: 30 s before a minute boundary, so records split at minutes. */
export const CAPTURE_START = Date.UTC(2026, 10, 21, 13, 59, 30);
const RAMP_MS = 20_000;
const impair: TcpImpairment = { loss: 0.005, reorder: 0.003 };

/** The mix, as printed in the benchmark's output (rates per second of capture time, at scale 1). */
export const mixDescription = {
  http_keepalive:
    '24 000 long-lived HTTP/1.1 connections to the host (:80 70 %, :8080), opened over the first 20 s, a request every 5-29 s (uniform), 20 % IPv6',
  tls_long: '31 000 long-lived TLS connections to the host (:443; TLS 1.3 80 %, 1.2), a request every 5-29 s',
  http_short:
    '80/s short HTTP/1.1 connections: 1 + geometric requests, closed by the client (70 %), the server (25 %) or a RST',
  tls_short: '150/s short TLS connections: full handshake, then 1 + geometric requests',
  tls_out: '40/s TLS connections from the host to upstream APIs',
  db_pool:
    '32 pooled connections from the host to PostgreSQL :5432 and Redis :6379, a query every 80 ms (content no decoder claims)',
  kafka: '10/s short connections from the host to Kafka :9092 (content detection claims nothing)',
  dns: '2 000/s lookups from the host to its resolvers (two IPv4, one IPv6) over UDP, a new source port each, 15 % A then AAAA, 5 % NXDOMAIN, 1 % unanswered, 20 % over IPv6',
  udp_bulk:
    'RTP voice streams (20 at start, 0.3/s more, 60 s mean, 50 packets/s each way) and QUIC downloads (20/s)',
  icmp: '300 pingers echoing the host every second (ICMPv6 for 20 %), 5/s port unreachable',
  dhcp: '0.2/s DHCP exchanges (Discover, Offer, Request, ACK)',
  tcp_impairment:
    '0.5 % of data segments lost (retransmitted; duplicate ACKs), 0.3 % of incoming ones reordered',
  response_sizes:
    'HTTP and TLS responses 120 B – 250 kB (Zipf, mostly a few kB); statuses 200 (74 %), 304, 404, 204, 301, 500',
};

type Spawn = (t: number) => Session & { readonly first: number };

interface Arrival {
  readonly rate: number;
  readonly spawn: Spawn;
}

/**
 * Writes the benchmark's capture: sessions of every kind, their packets interleaved in time
 * order (a heap of each session's next packet), from CAPTURE_START for `seconds`. Deterministic
 * for a seed. Returns what was written.
 */
export function generateCapture(o: CaptureOptions) {
  const c = new Content(o.seed);
  const rng = c.rng;
  const w = new PcapStreamWriter(o.path);
  const end = CAPTURE_START + o.seconds * 1000;
  const heap = new SessionHeap();
  const counts: Record<string, number> = {};
  const packets: Record<string, number> = {};
  const kindOf = new Map<Session, string>();
  let live = 0;
  let peakLive = 0;
  const add = (kind: string, s: Session & { readonly first: number }) => {
    if (s.first < 0 || s.first >= end) return;
    counts[kind] = (counts[kind] ?? 0) + 1;
    kindOf.set(s, kind);
    heap.push(s.first, s);
    live++;
    if (live > peakLive) peakLive = live;
  };
  const v6 = () => rng.next() < 0.2;
  const tcp = (
    hostIsClient: boolean,
    port: number,
    plan: TcpPlan,
    t: number,
    peer?: Buffer,
    rtt?: number,
  ) => {
    const ipv6 = peer === undefined && v6();
    const conn = new TcpConn(
      c.hosts(ipv6, hostIsClient, peer),
      c.ephemeralPort(),
      port,
      hostIsClient,
      rtt ?? c.clientRtt(),
      rng,
      impair,
      o.slice,
    );
    return new TcpSession(conn, plan, c, t);
  };
  const geometric = (p: number) => {
    let n = 1;
    while (rng.next() > p && n < 50) n++;
    return n;
  };
  const closeBy = (): TcpPlan['close'] => {
    const r = rng.next();
    return r < 0.7 ? 'client' : r < 0.95 ? 'server' : 'reset';
  };
  const upstream = Buffer.from([10, 2, 0, 20]);
  const db = [Buffer.from([10, 3, 0, 5]), Buffer.from([10, 3, 0, 6])];
  const kafka = Buffer.from([10, 3, 0, 9]);
  const long = (app: 'http' | 'tls'): TcpPlan => ({
    app,
    exchanges: 1000,
    // Under the idle timeout (30 s): a keep-alive connection stays one flow.
    gapMs: () => 5000 + rng.next() * 24_000,
    meanThinkMs: 8,
    close: closeBy(),
  });
  const scaled = (n: number) => Math.round(n * o.scale);

  for (let i = 0; i < scaled(24_000); i++) {
    const port = rng.next() < 0.7 ? 80 : 8080;
    add('http_keepalive', tcp(false, port, long('http'), CAPTURE_START + rng.next() * RAMP_MS));
  }
  for (let i = 0; i < scaled(31_000); i++)
    add('tls_long', tcp(false, 443, long('tls'), CAPTURE_START + rng.next() * RAMP_MS));
  for (let i = 0; i < 32; i++) {
    const plan: TcpPlan = {
      app: 'opaque',
      exchanges: 100_000,
      gapMs: () => rng.exponential(80),
      meanThinkMs: 0.5,
      close: 'client',
      opaqueRequest: 300,
      opaqueResponse: 3000,
    };
    add(
      'db_pool',
      tcp(
        true,
        i % 3 === 0 ? 6379 : 5432,
        plan,
        CAPTURE_START + rng.next() * 1000,
        db[i % 3 === 0 ? 1 : 0],
        0.2,
      ),
    );
  }
  const rtp = (t: number) => {
    const h = c.hosts(v6(), false);
    return new UdpStreamSession(
      h,
      16384 + 2 * rng.int(8000),
      16384 + 2 * rng.int(8000),
      o.slice,
      'rtp',
      c,
      t,
      rng.exponential(60_000),
    );
  };
  for (let i = 0; i < 20; i++) add('udp_bulk', rtp(CAPTURE_START + rng.next() * 1000));
  for (let i = 0; i < 300; i++) {
    const h = c.hosts(v6(), false);
    add('icmp', new PingSession(h, c, CAPTURE_START + rng.next() * 1000, end));
  }

  const arrivals: Arrival[] = [
    {
      rate: 80,
      spawn: (t) =>
        tcp(
          false,
          rng.next() < 0.7 ? 80 : 8080,
          {
            app: 'http',
            exchanges: geometric(0.5),
            gapMs: () => rng.exponential(300),
            meanThinkMs: 15,
            close: closeBy(),
          },
          t,
        ),
    },
    {
      rate: 150,
      spawn: (t) =>
        tcp(
          false,
          443,
          {
            app: 'tls',
            exchanges: geometric(0.4),
            gapMs: () => rng.exponential(500),
            meanThinkMs: 20,
            close: closeBy(),
          },
          t,
        ),
    },
    {
      rate: 40,
      spawn: (t) =>
        tcp(
          true,
          443,
          {
            app: 'tls',
            exchanges: geometric(0.6),
            gapMs: () => rng.exponential(100),
            meanThinkMs: 30,
            close: 'client',
          },
          t,
          upstream,
          1 + rng.next() * 4,
        ),
    },
    {
      rate: 10,
      spawn: (t) =>
        tcp(
          true,
          9092,
          {
            app: 'opaque',
            exchanges: 3 + rng.int(8),
            gapMs: () => rng.exponential(20),
            meanThinkMs: 1,
            close: 'client',
          },
          t,
          kafka,
          0.3,
        ),
    },
    { rate: 2000, spawn: (t) => new DnsSession(c, t) },
    {
      rate: 20,
      spawn: (t) =>
        new UdpStreamSession(c.hosts(v6(), false), c.ephemeralPort(), 443, o.slice, 'quic', c, t, 0),
    },
    { rate: 0.3, spawn: rtp },
    { rate: 5, spawn: (t) => new UnreachableSession(c.hosts(v6(), true), c, t) },
    { rate: 0.2, spawn: (t) => new DhcpSession(c, t) },
  ];
  const kinds = [
    'http_short',
    'tls_short',
    'tls_out',
    'kafka',
    'dns',
    'udp_bulk',
    'udp_bulk',
    'icmp',
    'dhcp',
  ];
  const nextArrival = new Float64Array(arrivals.length);
  arrivals.forEach((a, k) => {
    nextArrival[k] = CAPTURE_START + rng.exponential(1000 / (a.rate * o.scale));
  });

  for (;;) {
    const t = heap.peekTime();
    // Sessions arriving before the next packet join first.
    let k = -1;
    for (let j = 0; j < arrivals.length; j++) if (k < 0 || nextArrival[j]! < nextArrival[k]!) k = j;
    const ta = nextArrival[k]!;
    if (ta < t && ta < end) {
      const a = arrivals[k]!;
      add(kinds[k]!, a.spawn(ta));
      nextArrival[k] = ta + rng.exponential(1000 / (a.rate * o.scale));
      continue;
    }
    if (t >= end) break;
    const s = heap.pop();
    const next = s.step(w);
    const kind = kindOf.get(s)!;
    packets[kind] = (packets[kind] ?? 0) + 1;
    if (next >= 0 && next < end) heap.push(next, s);
    else {
      live--;
      kindOf.delete(s);
    }
  }
  w.close();
  return {
    packets: w.packets,
    file_bytes: w.fileBytes,
    ip_bytes: w.wireBytes,
    seconds: o.seconds,
    start: new Date(CAPTURE_START).toISOString(),
    sessions: counts,
    packets_by_kind: packets,
    peak_concurrent_sessions: peakLive,
  };
}

/** A binary min-heap of sessions by the time of their next packet. */
class SessionHeap {
  private times = new Float64Array(1024);
  private items: Session[] = [];
  private n = 0;

  peekTime(): number {
    return this.n > 0 ? this.times[0]! : Number.POSITIVE_INFINITY;
  }

  push(t: number, s: Session): void {
    if (this.n === this.times.length) {
      const grown = new Float64Array(this.n * 2);
      grown.set(this.times);
      this.times = grown;
    }
    let i = this.n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (this.times[p]! <= t) break;
      this.times[i] = this.times[p]!;
      this.items[i] = this.items[p]!;
      i = p;
    }
    this.times[i] = t;
    this.items[i] = s;
  }

  pop(): Session {
    const top = this.items[0]!;
    const n = --this.n;
    const t = this.times[n]!;
    const s = this.items[n]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.times[child + 1]! < this.times[child]!) child++;
      if (this.times[child]! >= t) break;
      this.times[i] = this.times[child]!;
      this.items[i] = this.items[child]!;
      i = child;
    }
    this.times[i] = t;
    this.items[i] = s;
    this.items.length = n;
    return top;
  }
}
