import { parseIPv4, parseIPv6 } from '../capture/ip.js';
import { parsePacket } from '../capture/link.js';
import { PacketInfo, Parsed } from '../capture/packet-info.js';
import type { PacketHandler } from '../capture/reader.js';
import { type AgentConfig, defaultAgentConfig } from './config.js';
import type { AppDecoder, FlowRecordSink, PacketSource, TcpTracker } from './contract.js';
import { FlowTracker } from './flow/flow-tracker.js';
import { salvageCutTcp } from './packet/salvage.js';
import { AgentStats } from './stats.js';

export interface AgentPipelineDeps {
  readonly sink: FlowRecordSink;
  /** TCP metrics; without it TCP flows carry no host metrics. */
  readonly tcp?: TcpTracker | undefined;
  /** Application decoders, tried in order by port for each new TCP or UDP flow. */
  readonly apps?: readonly AppDecoder<unknown>[] | undefined;
  /** The wall clock for `timestamps: 'received'` (Date.now by default). */
  readonly now?: () => number;
}

export interface AgentPipeline {
  readonly stats: AgentStats;
  readonly config: AgentConfig;
  /** Parses and tracks one captured packet: hand it to a CaptureReader. */
  readonly onPacket: PacketHandler;
  /**
   * Moves the flow clock without a packet (a live capture calls this every second or so, so
   * that quiet flows time out and minutes close): to `nowMs`, by default the wall clock when
   * timing as received; with capture timestamps the clock only moves with packets. Then hands
   * the records waiting in a part-filled batch to the sink, so that they leave without waiting
   * for the batch to fill.
   */
  tick(nowMs?: number): void;
  /** Exports every flow's pending record to the sink (at the end of a capture, or on stop). */
  finish(): void;
  /** Flows in the table now (at most config.maxFlows). */
  activeFlows(): number;
}

/** Wires a packet source's packets through the flow table into a record sink. Does no I/O. */
export function createAgentPipeline(
  deps: AgentPipelineDeps,
  config: Partial<AgentConfig> = {},
): AgentPipeline {
  const cfg: AgentConfig = { ...defaultAgentConfig, ...config };
  const stats = new AgentStats();
  const tracker = new FlowTracker(
    cfg,
    { tcp: deps.tcp, apps: deps.apps, emit: (b) => deps.sink.write(b) },
    stats,
  );
  const info = new PacketInfo();
  const wallClock = deps.now ?? Date.now;
  const received = cfg.timestamps === 'received';

  const onPacket: PacketHandler = (buf, offset, length, timestampMs, linkType, originalLength) => {
    stats.packets++;
    stats.capturedBytes += length;
    tracker.advance(received ? wallClock() : timestampMs);
    const status = salvageCutTcp(
      buf,
      info,
      untunnel(buf, info, parsePacket(buf, offset, length, linkType, info)),
    );
    if (status === Parsed.ok) tracker.packet(buf, info, offset, originalLength, timestampMs);
    else if (status === Parsed.ipFragment) tracker.fragment(buf, info, offset, originalLength);
    else stats.skipped[status]!++;
  };

  return {
    stats,
    config: cfg,
    onPacket,
    tick(nowMs) {
      const now = nowMs ?? (received ? wallClock() : undefined);
      if (now !== undefined) tracker.advance(now);
      tracker.handOver();
    },
    finish() {
      tracker.flush();
    },
    activeFlows: () => tracker.table.size,
  };
}

const IPIP = 4;
const IPV6_IN_IP = 41;
const MAX_TUNNELS = 2;

/**
 * IPv4 or IPv6 carried in IP (IP-in-IP, 6in4, 6rd): the flow is the inner packet's, as tshark's
 * conversations see it, so parsing goes on into the inner header.
 */
function untunnel(buf: Uint8Array, info: PacketInfo, status: number): number {
  for (let i = 0; i < MAX_TUNNELS && status === Parsed.ok && info.firstFragment === 0; i++) {
    if (info.protocol === IPIP) status = parseIPv4(buf, info.l4Offset, info.l4End, info);
    else if (info.protocol === IPV6_IN_IP) status = parseIPv6(buf, info.l4Offset, info.l4End, info);
    else break;
  }
  return status;
}

/** Runs a packet source to its end through the pipeline, then exports what is pending. */
export async function runAgent(source: PacketSource, pipeline: AgentPipeline) {
  const summary = await source.read(pipeline.onPacket);
  pipeline.finish();
  return summary;
}
