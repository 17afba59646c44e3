import {
  clientHello,
  dnsQuery,
  dnsResponse,
  httpRequest,
  httpResponse,
  httpResponseLength,
  serverHello,
  userAgents,
} from './agent-payloads.js';
import type { Hosts } from './agent-pcap-writer.js';
import { AliasZipf, FastRandom } from './store-random.js';

/** Response body sizes (bytes), drawn Zipf: small API answers most often, a few large files. */
const BODY_SIZES = [120, 350, 640, 900, 1300, 2100, 3500, 5200, 8000, 12_000, 18_000, 30_000, 64_000];
const STATUSES = [
  200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 304, 404, 204, 301, 500,
];

export interface HttpExchange {
  request: Buffer;
  response: Buffer;
  responseLength: number;
}

/**
 * Everything the sessions draw from, seeded: the random source, addresses, and pools of
 * prebuilt application messages (so generating a packet costs no string building).
 */
export class Content {
  readonly rng: FastRandom;
  readonly hostV4 = Buffer.from([10, 1, 0, 10]);
  readonly hostV6 = Buffer.from('fd000001000000000000000000000010', 'hex');
  /** The host's name servers (as /etc/resolv.conf lists them). */
  private readonly resolversV4 = [Buffer.from([10, 1, 0, 2]), Buffer.from([10, 1, 0, 3])];
  private readonly resolverV6 = Buffer.from('fd000001000000000000000000000053', 'hex');
  readonly serverNames: string[];
  private readonly nameZipf: AliasZipf;
  private readonly requests: Buffer[] = [];
  private readonly responses: { buf: Buffer; length: number }[] = [];
  private readonly clientHellos: Buffer[] = [];
  readonly serverHellos: Buffer[];
  private readonly dnsNames: string[];
  private readonly dnsZipf: AliasZipf;
  private readonly sizeZipf = new AliasZipf(BODY_SIZES.length, 1.3);

  constructor(seed: number) {
    this.rng = new FastRandom(seed);
    this.serverNames = Array.from({ length: 400 }, (_, i) =>
      i % 5 === 0 ? `api.service${i}.example.com` : `cdn-${i}.static.example.net`,
    );
    this.nameZipf = new AliasZipf(this.serverNames.length, 1.0);
    for (let i = 0; i < 1024; i++) {
      const method = i % 10 === 3 ? 'POST' : i % 50 === 7 ? 'HEAD' : 'GET';
      const host = this.serverNames[i % 80]!;
      this.requests.push(httpRequest(host, i, method, userAgents[i % userAgents.length]!, i % 4 !== 0));
    }
    for (const status of STATUSES) {
      for (const size of BODY_SIZES) {
        const chunked = size <= 900 && status === 200 && this.rng.next() < 0.5;
        const body = status === 204 || status === 304 ? 0 : size;
        const buf = httpResponse(status, body, chunked);
        this.responses.push({ buf, length: httpResponseLength(buf, status, body, chunked) });
      }
    }
    for (let i = 0; i < this.serverNames.length; i++)
      this.clientHellos.push(clientHello(this.serverNames[i]!, i));
    this.serverHellos = [
      serverHello(true, 0x1301, 1),
      serverHello(true, 0x1302, 2),
      serverHello(true, 0x1303, 3),
      serverHello(false, 0xc02f, 4),
      serverHello(false, 0xc030, 5),
    ];
    this.dnsNames = Array.from({ length: 5000 }, (_, i) =>
      i % 7 === 0 ? `host-${i}.internal.corp.example` : `www.site${i}.example.org`,
    );
    this.dnsZipf = new AliasZipf(this.dnsNames.length, 0.9);
  }

  /** A request and its response (HEAD requests get a bodiless answer's length). */
  http(): HttpExchange {
    const request = this.requests[this.rng.int(this.requests.length)]!;
    const status = this.rng.int(STATUSES.length);
    const size = this.sizeZipf.draw(this.rng);
    const r = this.responses[status * BODY_SIZES.length + size]!;
    const head = request[0] === 0x48;
    return { request, response: r.buf, responseLength: head ? r.buf.indexOf('\r\n\r\n') + 4 : r.length };
  }

  /** A response body size for TLS application data (same distribution as HTTP). */
  bodySize(): number {
    return BODY_SIZES[this.sizeZipf.draw(this.rng)]! + this.rng.int(200);
  }

  clientHello(): Buffer {
    return this.clientHellos[this.nameZipf.draw(this.rng)]!;
  }

  dnsExchange(v6: boolean): { query: Buffer; response: Buffer | undefined } {
    const name = this.dnsNames[this.dnsZipf.draw(this.rng)]!;
    const id = this.rng.int(65536);
    const qtype = v6 || this.rng.next() < 0.3 ? 28 : 1;
    const lost = this.rng.next() < 0.01;
    const rcode = this.rng.next() < 0.05 ? 3 : 0;
    const answers = 1 + this.rng.int(4);
    return {
      query: dnsQuery(id, name, qtype),
      response: lost
        ? undefined
        : dnsResponse(id, name, qtype, rcode, answers, this.rng.next() < 0.3, this.rng.int(1 << 24)),
    };
  }

  resolver(v6: boolean): Buffer {
    return v6 ? this.resolverV6 : this.resolversV4[this.rng.int(2)]!;
  }

  /** A remote client address: public-looking IPv4, or IPv6 in 2001:db8::/32. */
  remote(v6: boolean): Buffer {
    const rng = this.rng;
    if (v6) {
      const a = Buffer.alloc(16);
      a.writeUInt32BE(0x20010db8, 0);
      a.writeUInt32BE(rng.u32(), 4);
      a.writeUInt32BE(rng.u32(), 12);
      return a;
    }
    let first = 1 + rng.int(223);
    if (first === 10 || first === 127) first = 11;
    return Buffer.from([first, rng.int(256), rng.int(256), 1 + rng.int(254)]);
  }

  /** The host and a remote peer (or `peer`): hosts.a is the client side given by `hostIsClient`. */
  hosts(v6: boolean, hostIsClient: boolean, peer?: Buffer): Hosts {
    const host = v6 ? this.hostV6 : this.hostV4;
    const other = peer ?? this.remote(v6);
    return hostIsClient ? { v6, a: host, b: other } : { v6, a: other, b: host };
  }

  ephemeralPort(): number {
    return 32768 + this.rng.int(28232);
  }

  /** A round trip to a remote client (ms): log-uniform from 2 to 250 ms. */
  clientRtt(): number {
    return 2 * Math.exp(this.rng.next() * Math.log(125));
  }
}
