import type { Content } from './agent-content.js';
import { dhcpMessage } from './agent-payloads.js';
import type { Hosts, PcapStreamWriter } from './agent-pcap-writer.js';
import type { Session } from './agent-sessions-tcp.js';

/** A session given as a list of packets, each a time and a writer call. */
abstract class ListSession implements Session {
  protected readonly times: number[] = [];
  private i = 0;

  get first(): number {
    return this.times[0] ?? -1;
  }

  step(w: PcapStreamWriter): number {
    this.write(w, this.i);
    this.i++;
    return this.i < this.times.length ? this.times[this.i]! : -1;
  }

  protected abstract write(w: PcapStreamWriter, i: number): void;
}

/**
 * DNS from the host to its resolver over UDP, one socket (source port) per lookup: a query and
 * its answer (1 % unanswered), sometimes A then AAAA on the same socket.
 */
export class DnsSession extends ListSession {
  private readonly h: Hosts;
  private readonly port: number;
  private readonly messages: Buffer[] = [];
  private readonly fromHost: boolean[] = [];

  constructor(c: Content, start: number) {
    super();
    const v6 = c.rng.next() < 0.2;
    this.h = { v6, a: v6 ? c.hostV6 : c.hostV4, b: c.resolver(v6) };
    this.port = c.ephemeralPort();
    const lookups = c.rng.next() < 0.15 ? 2 : 1;
    let t = start;
    for (let k = 0; k < lookups; k++) {
      const x = c.dnsExchange(v6 || k === 1);
      this.add(t, x.query, true);
      // A cache hit (about 0.4 ms) or a recursive lookup (5-120 ms).
      const latency = c.rng.next() < 0.6 ? 0.2 + c.rng.next() * 0.5 : 5 + c.rng.exponential(40);
      if (x.response !== undefined) this.add(t + latency, x.response, false);
      t += 0.05;
    }
    const order = this.times.map((_, k) => k).sort((x, y) => this.times[x]! - this.times[y]!);
    const [times, messages, fromHost] = [this.times.slice(), this.messages.slice(), this.fromHost.slice()];
    order.forEach((k, j) => {
      this.times[j] = times[k]!;
      this.messages[j] = messages[k]!;
      this.fromHost[j] = fromHost[k]!;
    });
  }

  private add(t: number, m: Buffer, fromHost: boolean): void {
    this.times.push(t);
    this.messages.push(m);
    this.fromHost.push(fromHost);
  }

  protected write(w: PcapStreamWriter, i: number): void {
    const m = this.messages[i]!;
    const up = this.fromHost[i]!;
    w.udp(this.times[i]!, this.h, up, up ? this.port : 53, up ? 53 : this.port, m, m.length, 1 << 16);
  }
}

/**
 * A stream of datagrams both ways at a steady rate: RTP voice (20 ms, 172 bytes) or a QUIC
 * download (bursts of 1252-byte datagrams, the client acknowledging). Frames after the first are
 * captured sliced.
 */
export class UdpStreamSession extends ListSession {
  private readonly sizes: number[] = [];
  private readonly fromA: boolean[] = [];

  constructor(
    private readonly h: Hosts,
    private readonly aPort: number,
    private readonly bPort: number,
    private readonly slice: number,
    kind: 'rtp' | 'quic',
    c: Content,
    start: number,
    durationMs: number,
  ) {
    super();
    const rng = c.rng;
    if (kind === 'rtp') {
      for (let t = start; t < start + durationMs; t += 20) {
        this.push(t, 172, true);
        this.push(t + 3 + rng.next(), 172, false);
      }
      return;
    }
    this.push(start, 1252, true);
    let t = start + 30 + rng.exponential(20);
    const datagrams = 10 + rng.int(80);
    for (let k = 0; k < datagrams; k++) {
      this.push(t, 1252, false);
      if (k % 4 === 3) this.push(t + 25, 44 + rng.int(20), true);
      t += 0.05 + rng.exponential(0.3);
    }
    this.times.sort((x, y) => x - y);
  }

  private push(t: number, size: number, fromA: boolean): void {
    this.times.push(t);
    this.sizes.push(size);
    this.fromA.push(fromA);
  }

  protected write(w: PcapStreamWriter, i: number): void {
    const a = this.fromA[i]!;
    w.udp(
      this.times[i]!,
      this.h,
      a,
      a ? this.aPort : this.bPort,
      a ? this.bPort : this.aPort,
      undefined,
      this.sizes[i]!,
      i === 0 ? 1 << 16 : this.slice,
    );
  }
}

const PING_BODY = Buffer.alloc(56, 0x61);

/** A monitoring system pinging the host every second (ICMP or ICMPv6 echo), the host replying. */
export class PingSession extends ListSession {
  private readonly id: number;

  constructor(
    private readonly h: Hosts,
    c: Content,
    start: number,
    endMs: number,
  ) {
    super();
    this.id = c.rng.int(65536);
    for (let t = start; t < endMs; t += 1000) this.times.push(t, t + 0.04);
  }

  protected write(w: PcapStreamWriter, i: number): void {
    const request = i % 2 === 0;
    const v6 = this.h.v6;
    const type = request ? (v6 ? 128 : 8) : v6 ? 129 : 0;
    w.icmp(this.times[i]!, this.h, request, type, 0, (this.id << 16) | ((i >> 1) & 0xffff), PING_BODY);
  }
}

/** The host answering a datagram to a closed port with ICMP port unreachable (one packet). */
export class UnreachableSession extends ListSession {
  private readonly body: Buffer;

  constructor(
    private readonly h: Hosts,
    c: Content,
    start: number,
  ) {
    super();
    this.times.push(start);
    // The offending packet's IP header and first 8 bytes (UDP), as RFC 792 asks.
    const v6 = h.v6;
    this.body = Buffer.alloc(v6 ? 48 : 28);
    if (v6) {
      this.body.writeUInt32BE(0x60000000, 0);
      this.body.writeUInt16BE(8, 4);
      this.body[6] = 17;
      this.body.set(h.b, 8);
      this.body.set(h.a, 24);
    } else {
      this.body[0] = 0x45;
      this.body.writeUInt16BE(28, 2);
      this.body[9] = 17;
      this.body.set(h.b, 12);
      this.body.set(h.a, 16);
    }
    this.body.writeUInt16BE(c.ephemeralPort(), v6 ? 40 : 20);
    this.body.writeUInt16BE(33434 + c.rng.int(30), v6 ? 42 : 22);
  }

  protected write(w: PcapStreamWriter): void {
    w.icmp(this.times[0]!, this.h, true, this.h.v6 ? 1 : 3, this.h.v6 ? 4 : 3, 0, this.body);
  }
}

/** A DHCP client's Discover, Offer, Request, ACK (broadcast, 68 → 67). */
export class DhcpSession extends ListSession {
  private readonly messages: Buffer[];
  private static readonly client: Hosts = {
    v6: false,
    a: Buffer.from([0, 0, 0, 0]),
    b: Buffer.from([255, 255, 255, 255]),
  };

  constructor(c: Content, start: number) {
    super();
    const xid = c.rng.u32();
    const mac = 0x0200_0000_0000 + c.rng.int(1 << 24);
    const yiaddr = 0x0a010000 + 100 + c.rng.int(100);
    this.messages = [
      dhcpMessage(1, 1, xid, mac, 0),
      dhcpMessage(2, 2, xid, mac, yiaddr),
      dhcpMessage(1, 3, xid, mac, 0),
      dhcpMessage(2, 5, xid, mac, yiaddr),
    ];
    this.times.push(start, start + 1.5, start + 3, start + 4);
  }

  protected write(w: PcapStreamWriter, i: number): void {
    const m = this.messages[i]!;
    const up = i % 2 === 0;
    w.udp(this.times[i]!, DhcpSession.client, up, up ? 68 : 67, up ? 67 : 68, m, m.length, 1 << 16);
  }
}
