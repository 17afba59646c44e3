import { type AppDecoder, type AppFieldSink, type AppPayload, Dir } from '../../contract.js';
import { DnsError, type DnsErrorReason, dnsErrorReasons } from './dns-errors.js';
import { DnsMessage } from './dns-message.js';
import { type DnsStreamTarget, DnsTcpStream } from './dns-tcp-stream.js';
import { TextBuffer } from './text-buffer.js';

export interface DnsDecoderConfig {
  readonly udpPorts: readonly number[];
  readonly tcpPorts: readonly number[];
  /**
   * Match responses to queries by id for appl_latency_ms. Off for mDNS: its ids are 0 and its
   * answers are multicast, often unsolicited.
   */
  readonly latency: boolean;
  /** Bytes kept of a DNS-over-TCP message split across segments, per direction of a flow. */
  readonly tcpBuffer: number;
  /** Longest dns_answers text; longer lists end in "...". */
  readonly answersLimit: number;
}

export const defaultDnsConfig: DnsDecoderConfig = {
  udpPorts: [53],
  tcpPorts: [53],
  latency: true,
  tcpBuffer: 2048,
  answersLimit: 512,
};

export const mdnsConfig: DnsDecoderConfig = {
  ...defaultDnsConfig,
  udpPorts: [5353],
  tcpPorts: [],
  latency: false,
};

const PENDING = 4;
const U32_MAX = 0xffff_ffff;
/** What a flow's next record carries. */
const NOTHING = 0;
const QUERY = 1; // a query, until an exchange completes
const EXCHANGE = 2;

/** Per-flow DNS state: what the next record carries, queries awaiting answers, TCP framing. */
export class DnsFlowState {
  carried: number = NOTHING;
  /** Ids of queries awaiting a response (-1: free slot) in [0, PENDING), their times after. */
  // A plain array, not a typed one: cheaper to make for each of many short flows.
  readonly pending: number[] = [-1, -1, -1, -1, -1, -1, -1, -1];
  nextSlot = 0;
  fromClient: DnsTcpStream | null = null;
  fromServer: DnsTcpStream | null = null;
}

export interface DnsCounts {
  messages: number;
  queries: number;
  responses: number;
  /** Exchanges completed in a record that already carried one (the record keeps the first). */
  extra_exchanges: number;
  /** Responses with no query of that id seen (or latency matching off). */
  unmatched_responses: number;
}

/**
 * DNS over UDP and TCP. A record carries one exchange: the first completed in its export interval
 * (query name and type, response code, answers, latency from the query with the same id); until
 * one completes, the first query seen. Later exchanges of the interval are counted in
 * `counts.extra_exchanges`. The flow table calls `exported` after each record of the flow.
 */
export class DnsDecoder implements AppDecoder<DnsFlowState>, DnsStreamTarget {
  readonly protocol = 'dns';
  readonly errors = Object.fromEntries(dnsErrorReasons.map((r) => [r, 0])) as Record<DnsErrorReason, number>;
  readonly counts: DnsCounts = {
    messages: 0,
    queries: 0,
    responses: 0,
    extra_exchanges: 0,
    unmatched_responses: 0,
  };
  private readonly msg = new DnsMessage();
  private readonly queryText = new TextBuffer(255);
  private readonly answersText: TextBuffer;
  private state: DnsFlowState | null = null;
  private out: AppFieldSink | null = null;
  private timeMs = 0;

  constructor(private readonly config: DnsDecoderConfig = defaultDnsConfig) {
    this.answersText = new TextBuffer(config.answersLimit);
  }

  matchesPorts(clientPort: number, serverPort: number, transport: 'tcp' | 'udp'): boolean {
    const ports = transport === 'udp' ? this.config.udpPorts : this.config.tcpPorts;
    return ports.includes(serverPort) || ports.includes(clientPort);
  }

  newState(): DnsFlowState {
    return new DnsFlowState();
  }

  /** The flow's record was exported: the next record carries the next exchange. */
  exported(state: DnsFlowState): void {
    state.carried = NOTHING;
  }

  payload(state: DnsFlowState, p: AppPayload, out: AppFieldSink): void {
    this.state = state;
    this.out = out;
    this.timeMs = p.timeMs;
    if (p.transport === 'udp') {
      this.streamMessage(p.buf, p.start, p.end, p.wireLength, DnsError.captureCut);
    } else if (p.dir === Dir.FromClient) {
      state.fromClient ??= new DnsTcpStream(this.config.tcpBuffer);
      state.fromClient.push(p, this);
    } else {
      state.fromServer ??= new DnsTcpStream(this.config.tcpBuffer);
      state.fromServer.push(p, this);
    }
    this.state = null;
    this.out = null;
  }

  streamError(reason: number): void {
    this.errors[dnsErrorReasons[reason]!]++;
  }

  streamMessage(buf: Uint8Array, start: number, have: number, wireLength: number, cutReason: number): void {
    const msg = this.msg;
    this.counts.messages++;
    const parsed = msg.parse(buf, start, have, wireLength, cutReason);
    if (msg.error !== DnsError.none) this.streamError(msg.error);
    if (!parsed) return;
    const state = this.state!;
    if (!msg.isResponse) {
      this.counts.queries++;
      if (this.config.latency) addPending(state, msg.id, this.timeMs);
      if (state.carried === NOTHING && msg.questionPos >= 0) {
        this.emitQuestion();
        state.carried = QUERY;
      }
      return;
    }
    this.counts.responses++;
    const sentMs = this.config.latency ? takePending(state, msg.id) : -1;
    if (sentMs < 0) this.counts.unmatched_responses++;
    if (state.carried === EXCHANGE) {
      this.counts.extra_exchanges++;
      return;
    }
    state.carried = EXCHANGE;
    const out = this.out!;
    if (msg.questionPos >= 0) this.emitQuestion();
    else out.setString('app_protocol', 'dns');
    out.setNumber('dns_return_code', msg.rcode);
    this.answersText.reset();
    msg.answersText(this.answersText);
    this.answersText.emit(out, 'dns_answers');
    if (sentMs >= 0)
      out.setNumber('appl_latency_ms', Math.min(Math.round(Math.max(0, this.timeMs - sentMs)), U32_MAX));
  }

  private emitQuestion(): void {
    const out = this.out!;
    out.setString('app_protocol', 'dns');
    this.queryText.reset();
    this.msg.queryText(this.queryText);
    this.queryText.emit(out, 'dns_query');
    out.setNumber('dns_query_type', this.msg.qType);
  }
}

/** Remembers a query's time by id; a repeated id (a retransmission) keeps the first time. */
function addPending(state: DnsFlowState, id: number, timeMs: number): void {
  const pending = state.pending;
  for (let i = 0; i < PENDING; i++) if (pending[i] === id) return;
  const slot = state.nextSlot;
  pending[slot] = id;
  pending[PENDING + slot] = timeMs;
  state.nextSlot = (slot + 1) % PENDING;
}

/** The time of the query with this id (forgetting it), or -1. */
function takePending(state: DnsFlowState, id: number): number {
  const pending = state.pending;
  for (let i = 0; i < PENDING; i++) {
    if (pending[i] === id) {
      pending[i] = -1;
      return pending[PENDING + i]!;
    }
  }
  return -1;
}

/** DNS on port 53 (UDP and TCP). */
export function createDnsDecoder(config?: DnsDecoderConfig): DnsDecoder {
  return new DnsDecoder(config);
}

/** mDNS on UDP port 5353: the same decoding, no latency matching. */
export function createMdnsDecoder(): DnsDecoder {
  return new DnsDecoder(mdnsConfig);
}
