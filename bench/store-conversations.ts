/**
 * Who talks to whom in one flow record of the benchmark data set. Real exports repeat
 * conversations: a long-lived flow is exported again at every active timeout and a sampled
 * elephant flow yields many records, so a share of records recalls a recent conversation of the
 * same device (same addresses, ports, protocol and interfaces) instead of drawing a new one.
 */
export interface Conversation {
  v6: boolean;
  /** Remote → local (received on an uplink), else local → remote. */
  inbound: boolean;
  protocol: number;
  localPrefix: number;
  /** Host rank inside the local prefix. */
  localHost: number;
  remotePrefix: number;
  /** Host rank inside the remote prefix. */
  remoteHost: number;
  serverPort: number;
  clientPort: number;
  uplink: number;
  tos: number;
}

export function emptyConversation(): Conversation {
  return {
    v6: false,
    inbound: false,
    protocol: 0,
    localPrefix: 0,
    localHost: 0,
    remotePrefix: 0,
    remoteHost: 0,
    serverPort: 0,
    clientPort: 0,
    uplink: 0,
    tos: 0,
  };
}

const FIELDS = 11;

/** The last `size` conversations of one device, packed in one Int32Array. */
export class ConversationRing {
  private readonly slots: Int32Array;
  private next = 0;
  count = 0;

  constructor(readonly size: number) {
    this.slots = new Int32Array(size * FIELDS);
  }

  remember(c: Conversation): void {
    const o = this.next * FIELDS;
    const s = this.slots;
    s[o] = c.v6 ? 1 : 0;
    s[o + 1] = c.inbound ? 1 : 0;
    s[o + 2] = c.protocol;
    s[o + 3] = c.localPrefix;
    s[o + 4] = c.localHost;
    s[o + 5] = c.remotePrefix;
    s[o + 6] = c.remoteHost;
    s[o + 7] = c.serverPort;
    s[o + 8] = c.clientPort;
    s[o + 9] = c.uplink;
    s[o + 10] = c.tos;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count++;
  }

  /** Copies remembered conversation `i` (0 ≤ i < count) into `c`. */
  recall(i: number, c: Conversation): void {
    const o = i * FIELDS;
    const s = this.slots;
    c.v6 = s[o] === 1;
    c.inbound = s[o + 1] === 1;
    c.protocol = s[o + 2]!;
    c.localPrefix = s[o + 3]!;
    c.localHost = s[o + 4]!;
    c.remotePrefix = s[o + 5]!;
    c.remoteHost = s[o + 6]!;
    c.serverPort = s[o + 7]!;
    c.clientPort = s[o + 8]!;
    c.uplink = s[o + 9]!;
    c.tos = s[o + 10]!;
  }
}
