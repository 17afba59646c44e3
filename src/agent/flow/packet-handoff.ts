import { IpProtocol, type PacketInfo } from '../../capture/packet-info.js';
import { type AppDecoder, type AppPayload, Dir, type TcpSegment, type TcpTracker } from '../contract.js';
import { payloadWireLength } from '../packet/ip-length.js';
import type { AgentStats } from '../stats.js';
import { tcpWindowScale } from '../tcp/options.js';
import type { AppFields } from './app-fields.js';
import { BIT_APP_FOUND, BIT_APP_PAUSED, type FlowState } from './flow-state.js';

const TCP_SYN = 2;

/** `FlowState.app` of a flow no decoder's ports matched, waiting for its first client payload. */
export const UNDECIDED = -2;

/**
 * Hands a counted packet on, by reference into the capture buffer: its TCP header to the TCP
 * tracker, its payload to the flow's application decoder. The segment and payload objects are
 * reused from packet to packet.
 */
export class PacketHandoff {
  private readonly segment: TcpSegment = {
    timeMs: 0,
    dir: Dir.FromClient,
    seq: 0,
    ack: 0,
    flags: 0,
    window: 0,
    windowScale: -1,
    payloadLength: 0,
  };
  private readonly payload: AppPayload = {
    buf: new Uint8Array(0),
    start: 0,
    end: 0,
    wireLength: 0,
    timeMs: 0,
    dir: Dir.FromClient,
    transport: 'tcp',
    seq: 0,
    skipping: false,
    skipUntil: 0,
  };

  constructor(
    private readonly state: FlowState,
    private readonly fields: AppFields,
    private readonly apps: readonly AppDecoder<unknown>[],
    private readonly stats: AgentStats,
  ) {}

  tcp(
    tracker: TcpTracker,
    buf: Uint8Array,
    info: PacketInfo,
    s: number,
    dir: Dir,
    ipLength: number,
    timeMs: number,
  ): void {
    const seg = this.segment;
    seg.timeMs = timeMs;
    seg.dir = dir;
    seg.seq = info.tcpSeq;
    seg.ack = info.tcpAck;
    seg.flags = info.tcpFlags;
    seg.window = info.tcpWindow;
    seg.windowScale = info.tcpFlags & TCP_SYN ? tcpWindowScale(buf, info.l4Offset, info.payloadOffset) : -1;
    seg.payloadLength = payloadWireLength(buf, info, ipLength);
    tracker.segment(s, seg);
  }

  /**
   * Calls the flow's decoder (index `app`) with the packet's payload (`wire` bytes as sent, not
   * 0); for a flow still `UNDECIDED`, first offers the client's first payload to the decoders'
   * content detection.
   */
  app(
    buf: Uint8Array,
    info: PacketInfo,
    s: number,
    dir: Dir,
    app: number,
    wire: number,
    timeMs: number,
  ): void {
    const p = this.payload;
    p.buf = buf;
    p.start = info.payloadOffset;
    p.end = info.payloadOffset + info.payloadLength;
    p.wireLength = wire;
    p.timeMs = timeMs;
    p.dir = dir;
    p.transport = info.protocol === IpProtocol.TCP ? 'tcp' : 'udp';
    p.seq = info.tcpSeq;
    p.skipping = false;
    if (app === UNDECIDED) {
      if (dir !== Dir.FromClient) return;
      app = this.claim(s, p);
      if (app < 0) return;
    }
    const fields = this.fields;
    fields.slot = s;
    const before = fields.errors;
    fields.stored = false;
    try {
      if (this.apps[app]!.payload(this.state.appState[s], p, fields) === false)
        this.state.orBits(s, BIT_APP_PAUSED);
    } catch {
      // The contract says decoders never throw; one that does loses this payload, not the agent.
      this.stats.appDecoderThrew++;
    }
    // (The decoder may have set it: TypeScript keeps the `false` above across the call.)
    if ((p.skipping as boolean) && p.transport === 'tcp') this.state.skipUntil(s, dir, p.skipUntil! | 0);
    this.stats.appFieldErrors += fields.errors - before;
    // A field stored now (earlier ones set the bit when they were stored).
    if (fields.stored) this.state.orBits(s, BIT_APP_FOUND);
  }

  /** The decoder whose content detection claims the flow (now set on it), or -1 (also set). */
  private claim(s: number, p: AppPayload): number {
    let app = -1;
    for (let i = 0; i < this.apps.length && app < 0; i++) {
      try {
        if (this.apps[i]!.matchesContent?.(p)) app = i;
      } catch {
        this.stats.appDecoderThrew++;
      }
    }
    this.state.setApp(s, app);
    if (app >= 0) this.state.appState[s] = this.apps[app]!.newState();
    return app;
  }
}
