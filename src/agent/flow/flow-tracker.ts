import { IpProtocol, type PacketInfo, Parsed } from '../../capture/packet-info.js';
import type { FlowBatch } from '../../flow/batch.js';
import type { AgentConfig } from '../config.js';
import { type AppDecoder, Dir, type TcpTracker } from '../contract.js';
import { ipWireLength, payloadWireLength } from '../packet/ip-length.js';
import { type AgentStats, Skip } from '../stats.js';
import { tcpWindowScale } from '../tcp/options.js';
import { TcpAnalyzer } from '../tcp/tracker.js';
import { AppFields } from './app-fields.js';
import { senderIsClient } from './client-server.js';
import { metaProtocol, PacketKey, readAddressWords, readPacketKey } from './flow-key.js';
import { MINUTE_MS } from './flow-record.js';
import {
  BIT_APP_PAUSED,
  BIT_APP_SKIPPING,
  Closing,
  FlowState,
  H_BYTES,
  H_END,
  H_PACKETS,
  H_START,
  HOT,
  W_BITS,
  W_SKIP_UNTIL,
} from './flow-state.js';
import { FlowTable, KEY_WORDS, List, SLOT_APP_WORD, SLOT_TCP_WORD } from './flow-table.js';
import { FragmentTable } from './fragments.js';
import { PacketHandoff, UNDECIDED } from './packet-handoff.js';
import { RecordExporter } from './record-exporter.js';

export interface FlowTrackerDeps {
  readonly tcp?: TcpTracker | undefined;
  readonly apps?: readonly AppDecoder<unknown>[] | undefined;
  /** Takes a batch of records when it is full and at `flush`; the batch is cleared afterwards. */
  emit(batch: FlowBatch): void;
}

const TCP_FIN = 1;
const TCP_SYN = 2;
const TCP_RST = 4;
const TCP_ACK = 16;

/**
 * The bidirectional flow table at work: finds each packet's flow (creating it, evicting the least
 * recently seen flow when full), counts it, hands TCP segments to the tracker and payloads to the
 * flow's application decoder, and exports records on the flow clock: at each minute boundary,
 * after the active timeout, when a flow idles out, is evicted, or at `flush`.
 */
export class FlowTracker {
  readonly table: FlowTable;
  private readonly state: FlowState;
  private readonly fragments: FragmentTable;
  private readonly appFields: AppFields;
  private readonly apps: readonly AppDecoder<unknown>[];
  private readonly tcp: TcpTracker | undefined;
  /** The tracker as createTcpTracker makes it, when it covers every slot: called directly. */
  private readonly analyzer: TcpAnalyzer | undefined;
  private readonly exporter: RecordExporter;
  private readonly key = new PacketKey();
  private readonly handoff: PacketHandoff;
  /** Whether any decoder can tell its protocol from content (flows on other ports wait for it). */
  private readonly contentDetection: boolean;
  private clock = Number.NEGATIVE_INFINITY;
  private minute = Number.NEGATIVE_INFINITY;
  /** A clock below this is still in `minute` (a millisecond short of the next: no rounding doubt). */
  private minuteCheck = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly config: AgentConfig,
    deps: FlowTrackerDeps,
    private readonly stats: AgentStats,
  ) {
    this.table = new FlowTable(config.maxFlows);
    this.state = new FlowState(this.table.capacity, this.table.slots);
    this.fragments = new FragmentTable(config.maxFragments, this.table);
    this.appFields = new AppFields(this.table.capacity);
    this.apps = deps.apps ?? [];
    this.tcp = deps.tcp;
    this.analyzer =
      deps.tcp instanceof TcpAnalyzer && deps.tcp.capacity >= this.table.capacity ? deps.tcp : undefined;
    this.analyzer?.adopt(this.table.slots, this.table.capacity, KEY_WORDS, SLOT_TCP_WORD);
    this.exporter = new RecordExporter({
      table: this.table,
      state: this.state,
      appFields: this.appFields,
      apps: this.apps,
      tcp: deps.tcp,
      stats,
      batchRows: config.batchRows,
      emit: (b) => deps.emit(b),
    });
    this.handoff = new PacketHandoff(this.state, this.appFields, this.apps, stats);
    this.contentDetection = this.apps.some((d) => d.matchesContent !== undefined);
  }

  /**
   * Moves the flow clock to `now` (it never goes back: returns the clock): crossing a minute
   * boundary exports every pending record, then flows past their idle timeout are exported and
   * forgotten.
   */
  advance(now: number): number {
    if (!(now > this.clock)) return this.clock;
    this.clock = now;
    if (now >= this.minuteCheck) {
      const minute = Math.floor(now / MINUTE_MS);
      if (minute !== this.minute) {
        if (this.minute !== Number.NEGATIVE_INFINITY) this.stats.minuteSplits += this.exporter.exportAll();
        this.minute = minute;
      }
      this.minuteCheck = (minute + 1) * MINUTE_MS - 1;
    }
    // The oldest flow of each list decides whether any flow of it times out (checked here: most
    // packets expire nothing).
    const closed = this.table.oldest(List.closed);
    if (closed >= 0 && now - this.state.lastSeen(closed) >= this.config.closedTimeoutMs)
      this.expire(List.closed, this.config.closedTimeoutMs, now);
    const open = this.table.oldest(List.open);
    if (open >= 0 && now - this.state.lastSeen(open) >= this.config.idleTimeoutMs)
      this.expire(List.open, this.config.idleTimeoutMs, now);
    return now;
  }

  /**
   * Counts a packet that parsed down to its transport header, at the current clock. `captureMs`
   * is its capture time, which the TCP tracker and decoders see.
   */
  packet(
    buf: Uint8Array,
    info: PacketInfo,
    packetOffset: number,
    originalLength: number,
    captureMs: number,
  ): void {
    const now = this.clock;
    const key = this.key;
    if (!readPacketKey(buf, info, key)) {
      this.stats.skipped[Parsed.truncatedL4]!++; // an ICMP header too short to key
      return;
    }
    const ipLength = ipWireLength(buf, info, packetOffset, originalLength);
    const tcp = info.protocol === IpProtocol.TCP;
    const tcpFlags = tcp ? info.tcpFlags : 0;
    const words = this.state.words;
    let f = this.table.find(key);
    if (f < 0) f = this.create(key);
    else if (
      (tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN &&
      words[(f >> 1) * KEY_WORDS + W_BITS]! & 0xff0000
    ) {
      // A new connection on the ports of a closing one: a new flow.
      this.remove(f >> 1);
      f = this.create(key);
    }
    const s = f >> 1;
    const dir = (f & 1) as Dir;
    const bitsAt = s * KEY_WORDS + W_BITS;
    this.count(s, dir, ipLength, info.tos, now);
    if (info.firstFragment) {
      this.state.addFragment(s);
      this.fragments.remember(key.words, info.fragmentId, info.protocol, f, now);
    }
    let list: number = this.table.listOf(s);
    const wire = payloadWireLength(buf, info, ipLength);
    if (tcp) {
      words[bitsAt] |= tcpFlags;
      if (tcpFlags & (TCP_FIN | TCP_RST)) list = this.close(s, dir, tcpFlags);
      const analyzer = this.analyzer;
      if (analyzer !== undefined) {
        analyzer.analyze(
          s,
          dir,
          captureMs,
          info.tcpSeq | 0,
          info.tcpAck | 0,
          tcpFlags,
          info.tcpWindow,
          tcpFlags & TCP_SYN ? tcpWindowScale(buf, info.l4Offset, info.payloadOffset) : -1,
          wire,
        );
      } else if (this.tcp !== undefined) this.handoff.tcp(this.tcp, buf, info, s, dir, ipLength, captureMs);
    }
    this.table.touch(s, list);
    const app = words[s * KEY_WORDS + SLOT_APP_WORD]!;
    if (app === -1 || wire === 0) return;
    const bits = words[bitsAt]!;
    if ((bits & BIT_APP_PAUSED) !== 0) return;
    const skipping = BIT_APP_SKIPPING << dir;
    if ((bits & skipping) !== 0) {
      // A segment that ends where the decoder skips to (modulo 2^32) is not handed over.
      if (((info.tcpSeq + wire - words[s * KEY_WORDS + W_SKIP_UNTIL + dir]!) | 0) <= 0) return;
      words[bitsAt] = bits & ~skipping;
    }
    this.handoff.app(buf, info, s, dir, app, wire, captureMs);
  }

  /** A later fragment: counted in its first fragment's flow. */
  fragment(buf: Uint8Array, info: PacketInfo, packetOffset: number, originalLength: number): void {
    readAddressWords(buf, info, this.key.words);
    const f = this.fragments.find(this.key.words, info.fragmentId, info.protocol, this.clock);
    if (f < 0) {
      this.stats.skipped[Skip.fragmentUnmatched]!++;
      return;
    }
    const s = f >> 1;
    this.count(s, f & 1, ipWireLength(buf, info, packetOffset, originalLength), info.tos, this.clock);
    this.state.addFragment(s);
    this.stats.fragments++;
    this.table.touch(s, this.table.listOf(s));
  }

  /** Exports every pending record and hands the last batch over; flows stay in the table. */
  flush(): void {
    this.exporter.exportAll();
    this.exporter.emit();
  }

  /** Hands the records waiting in a part-filled batch to the sink (a live capture, every tick). */
  handOver(): void {
    this.exporter.emit();
  }

  private count(s: number, dir: number, ipLength: number, tos: number, now: number): void {
    const hot = this.state.hot;
    const h = s * HOT;
    if (
      hot[h + H_PACKETS]! + hot[h + H_PACKETS + 1]! === 0 ||
      now - hot[h + H_START]! >= this.config.activeTimeoutMs
    ) {
      if (hot[h + H_PACKETS]! + hot[h + H_PACKETS + 1]! > 0) {
        this.exporter.export(s);
        this.stats.activeSplits++;
      }
      hot[h + H_START] = now;
      const words = this.state.words;
      const at = s * KEY_WORDS + W_BITS;
      words[at] = (words[at]! & ~0xff00) | (tos << 8);
    }
    hot[h + H_PACKETS + dir]!++;
    hot[h + H_BYTES + dir]! += ipLength;
    hot[h + H_END] = now;
    this.stats.flowPackets++;
  }

  /** Notes a FIN or RST; returns the list the flow belongs on now. */
  private close(s: number, dir: Dir, flags: number): number {
    let c = 0;
    if (flags & TCP_RST) c |= Closing.reset;
    if (flags & TCP_FIN) c |= dir === Dir.FromClient ? Closing.finFromClient : Closing.finFromServer;
    this.state.orBits(s, c << 16);
    c = this.state.closing(s);
    const closed = (c & Closing.reset) !== 0 || (c & 3) === 3;
    return closed ? List.closed : this.table.listOf(s);
  }

  /** Adds the packet's flow; returns slot * 2 + the packet's direction. */
  private create(key: PacketKey): number {
    const t = this.table;
    if (t.size >= t.capacity) {
      const open = t.oldest(List.open);
      const closed = t.oldest(List.closed);
      const victim =
        closed < 0 || (open >= 0 && this.state.lastSeen(open) < this.state.lastSeen(closed)) ? open : closed;
      this.stats.evicted++;
      this.remove(victim);
    }
    const clientSent = senderIsClient(key.opener, key.srcPort, key.dstPort);
    const s = t.insert(key, clientSent);
    this.stats.flows++;
    const protocol = metaProtocol(key.meta);
    let app = -1;
    let appState: unknown;
    if (protocol === IpProtocol.TCP || protocol === IpProtocol.UDP) {
      const transport = protocol === IpProtocol.TCP ? 'tcp' : 'udp';
      const client = clientSent ? key.srcPort : key.dstPort;
      const server = clientSent ? key.dstPort : key.srcPort;
      for (let i = 0; i < this.apps.length && app < 0; i++) {
        if (this.apps[i]!.matchesPorts(client, server, transport)) app = i;
      }
      if (app >= 0) appState = this.apps[app]!.newState();
      else if (this.contentDetection) app = UNDECIDED;
      if (protocol === IpProtocol.TCP) this.tcp?.open(s);
    }
    this.state.open(s, key.icmpPort, app, appState);
    return s * 2 + (clientSent ? Dir.FromClient : Dir.FromServer);
  }

  private remove(s: number): void {
    if (this.state.pending(s)) this.exporter.export(s);
    this.appFields.drop(s);
    this.state.appState[s] = undefined;
    this.table.remove(s);
  }

  private expire(list: number, timeoutMs: number, now: number): void {
    const t = this.table;
    for (let s = t.oldest(list); s >= 0 && now - this.state.lastSeen(s) >= timeoutMs; s = t.oldest(list)) {
      if (list === List.closed) this.stats.expiredClosed++;
      else this.stats.expiredIdle++;
      this.remove(s);
    }
  }
}
