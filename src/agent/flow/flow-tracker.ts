import { IpProtocol, type PacketInfo, Parsed } from '../../capture/packet-info.js';
import { createFlowBatch, F, type FlowBatch } from '../../flow/batch.js';
import type { AgentConfig } from '../config.js';
import { type AppDecoder, Dir, type TcpTracker } from '../contract.js';
import { ipWireLength } from '../packet/ip-length.js';
import { type AgentStats, Skip } from '../stats.js';
import { AppFields } from './app-fields.js';
import { senderIsClient } from './client-server.js';
import { metaProtocol, PacketKey, readAddressWords, readPacketKey } from './flow-key.js';
import { MINUTE_MS, newTcpMetrics, writeFlowRecord } from './flow-record.js';
import { Closing, FlowState, H_BYTES, H_END, H_PACKETS, H_SEEN, H_START, HOT } from './flow-state.js';
import { FlowTable, List } from './flow-table.js';
import { FragmentTable } from './fragments.js';
import { PacketHandoff, UNDECIDED } from './packet-handoff.js';

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
  private readonly batch: FlowBatch;
  private readonly key = new PacketKey();
  private readonly metrics = newTcpMetrics();
  private readonly handoff: PacketHandoff;
  /** Whether any decoder can tell its protocol from content (flows on other ports wait for it). */
  private readonly contentDetection: boolean;
  private clock = Number.NEGATIVE_INFINITY;
  private minute = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly config: AgentConfig,
    private readonly deps: FlowTrackerDeps,
    private readonly stats: AgentStats,
  ) {
    this.table = new FlowTable(config.maxFlows);
    this.state = new FlowState(this.table.capacity, this.table.slots);
    this.fragments = new FragmentTable(config.maxFragments, this.table);
    this.appFields = new AppFields(this.table.capacity);
    this.apps = deps.apps ?? [];
    this.tcp = deps.tcp;
    this.batch = createFlowBatch(config.batchRows);
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
    const minute = Math.floor(now / MINUTE_MS);
    if (minute !== this.minute) {
      if (this.minute !== Number.NEGATIVE_INFINITY) this.exportAll(true);
      this.minute = minute;
    }
    this.expire(List.closed, this.config.closedTimeoutMs, now);
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
    const ipLength = ipWireLength(buf, info, packetOffset, originalLength);
    const key = this.key;
    if (!readPacketKey(buf, info, key)) {
      this.stats.skipped[Parsed.truncatedL4]!++; // an ICMP header too short to key
      return;
    }
    let f = this.table.find(key);
    if (f < 0) f = this.create(key);
    else if (
      info.protocol === IpProtocol.TCP &&
      (info.tcpFlags & (TCP_SYN | TCP_ACK)) === TCP_SYN &&
      this.state.closing(f >> 1) !== 0
    ) {
      // A new connection on the ports of a closing one: a new flow.
      this.remove(f >> 1);
      f = this.create(key);
    }
    const s = f >> 1;
    const dir = (f & 1) as Dir;
    this.count(s, dir, ipLength, info.tos, now);
    if (info.firstFragment) {
      this.state.fragments[s]!++;
      this.fragments.remember(key.words, info.fragmentId, info.protocol, f, now);
    }
    let list: number = this.table.listOf(s);
    if (info.protocol === IpProtocol.TCP) {
      this.state.orTcpFlags(s, info.tcpFlags);
      if (info.tcpFlags & (TCP_FIN | TCP_RST)) list = this.close(s, dir, info.tcpFlags);
      if (this.tcp !== undefined) this.handoff.tcp(this.tcp, buf, info, s, dir, ipLength, captureMs);
    }
    this.table.touch(s, list);
    const app = this.state.appOf(s);
    if (app !== -1 && !this.state.appPaused(s)) this.handoff.app(buf, info, s, dir, app, ipLength, captureMs);
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
    this.state.fragments[s]!++;
    this.stats.fragments++;
    this.table.touch(s, this.table.listOf(s));
  }

  /** Exports every pending record and hands the last batch over; flows stay in the table. */
  flush(): void {
    this.exportAll(false);
    this.emit();
  }

  /** Hands the records waiting in a part-filled batch to the sink (a live capture, every tick). */
  handOver(): void {
    this.emit();
  }

  private count(s: number, dir: number, ipLength: number, tos: number, now: number): void {
    const st = this.state;
    const h = s * HOT;
    const hot = st.hot;
    const pending = hot[h + H_PACKETS]! + hot[h + H_PACKETS + 1]! > 0;
    if (pending && now - hot[h + H_START]! >= this.config.activeTimeoutMs) {
      this.export(s);
      this.stats.activeSplits++;
    }
    if (!st.pending(s)) {
      hot[h + H_START] = now;
      st.setTos(s, tos);
    }
    hot[h + H_PACKETS + dir]!++;
    hot[h + H_BYTES + dir]! += ipLength;
    hot[h + H_END] = now;
    hot[h + H_SEEN] = now;
    this.stats.flowPackets++;
  }

  /** Notes a FIN or RST; returns the list the flow belongs on now. */
  private close(s: number, dir: Dir, flags: number): number {
    let c = 0;
    if (flags & TCP_RST) c |= Closing.reset;
    if (flags & TCP_FIN) c |= dir === Dir.FromClient ? Closing.finFromClient : Closing.finFromServer;
    this.state.orClosing(s, c);
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
    if (this.state.pending(s)) this.export(s);
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

  private exportAll(minuteBoundary: boolean): void {
    for (const list of [List.open, List.closed]) {
      for (let s = this.table.oldest(list); s >= 0; s = this.table.after(s)) {
        if (!this.state.pending(s)) continue;
        this.export(s);
        if (minuteBoundary) this.stats.minuteSplits++;
      }
    }
  }

  private export(s: number): void {
    const st = this.state;
    const protocol = metaProtocol(this.table.meta(s));
    const tcp = protocol === IpProtocol.TCP && this.tcp !== undefined ? this.metrics : undefined;
    if (tcp !== undefined) this.tcp!.read(s, tcp);
    const app = st.appOf(s);
    if (app >= 0 && st.appFound(s) && !this.appFields.has(s, F.app_protocol)) {
      this.appFields.slot = s;
      this.appFields.setString('app_protocol', this.apps[app]!.protocol);
    }
    writeFlowRecord(this.batch, this.table, st, s, tcp, this.appFields);
    st.resetRecord(s);
    if (app >= 0) this.exported(this.apps[app]!, st.appState[s]);
    this.stats.records++;
    if (this.batch.length >= this.config.batchRows) this.emit();
  }

  private exported(decoder: AppDecoder<unknown>, state: unknown): void {
    try {
      decoder.exported?.(state);
    } catch {
      this.stats.appDecoderThrew++;
    }
  }

  private emit(): void {
    if (this.batch.length === 0) return;
    this.deps.emit(this.batch);
    this.batch.clear();
  }
}
