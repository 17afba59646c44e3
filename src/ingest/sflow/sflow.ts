import { F } from '../../flow/batch.js';
import type { DecodeTarget, PacketContext } from '../context.js';
import { SequenceTracker } from '../sequence.js';
import { decodeCounterSample } from './counter-sample.js';
import { FlowRowWriter } from './flow-row.js';
import { parseFlowSample } from './flow-sample.js';
import { FlowSampleFields } from './flow-sample-fields.js';
import { sflowDomain } from './sflow-domain.js';

const FLOW_SAMPLE = 1;
const COUNTER_SAMPLE = 2;
const EXPANDED_FLOW_SAMPLE = 3;
const EXPANDED_COUNTER_SAMPLE = 4;
/** Sample tag and length, then a compact flow sample's fixed part: the least a flow row costs. */
const MIN_FLOW_SAMPLE_BYTES = 8 + 32;

const fields = new FlowSampleFields();
const writer = new FlowRowWriter();

/**
 * sFlow v5 (sflow.org sflow_version_5.txt): a datagram header (version, agent address, sub-agent
 * id, sequence number, uptime, sample count) then samples, each tagged (enterprise << 12 | format)
 * and length-prefixed. Flow samples (formats 1 and 3) become one flow row each; generic interface
 * counters in counter samples (formats 2 and 4) become rows of `out.counters`; anything else is
 * skipped by its length. A bad sample is counted and skipped; the datagram's other samples stay.
 */
export function decodeSflow(buf: Uint8Array, ctx: PacketContext, out: DecodeTarget): number {
  const end = buf.length;
  if (end < 8) {
    ctx.stats.error('truncated', 'sflow header');
    return 0;
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (dv.getUint32(0) !== 5) {
    ctx.stats.error('bad_version', `sflow version ${dv.getUint32(0)}`);
    return 0;
  }
  const agentType = dv.getUint32(4);
  // Address type 1 IPv4, 2 IPv6, 0 "unknown" (no address bytes).
  const agentLength = agentType === 1 ? 4 : agentType === 2 ? 16 : agentType === 0 ? 0 : -1;
  if (agentLength < 0) {
    ctx.stats.error('bad_record', `sflow agent address type ${agentType}`);
    return 0;
  }
  let off = 8 + agentLength;
  if (off + 16 > end) {
    ctx.stats.error('truncated', 'sflow header');
    return 0;
  }
  const subAgent = dv.getUint32(off);
  const sequence = dv.getUint32(off + 4);
  const numSamples = dv.getUint32(off + 12);
  off += 16;
  const exporter = ctx.exporter;
  const domain = sflowDomain(exporter, dv, 8, agentLength, subAgent);
  exporter.stats.lostPackets += domain.sequence.observe(sequence, 1);

  const flows = out.flows;
  flows.reserve(Math.min(numSamples, Math.floor((end - off) / MIN_FLOW_SAMPLE_BYTES)));
  writer.bind(flows);
  const device = exporter.device;
  const nameCode = flows.dicts[F.i_device_name]!.code(device.name);
  let row = flows.length;
  const firstRow = row;
  // Every sample takes at least 8 bytes, so an absurd count stops at the end of the buffer.
  for (let i = 0; i < numSamples; i++) {
    if (off + 8 > end) {
      ctx.stats.error('truncated', `sflow datagram ends after ${i} of ${numSamples} samples`);
      break;
    }
    const tag = dv.getUint32(off);
    const length = dv.getUint32(off + 4);
    const body = off + 8;
    if (length > end - body) {
      ctx.stats.error('truncated', `sflow sample of ${length} bytes past the datagram's end`);
      break;
    }
    off = body + length;
    if (tag === FLOW_SAMPLE || tag === EXPANDED_FLOW_SAMPLE) {
      const bad = parseFlowSample(dv, buf, body, off, tag === EXPANDED_FLOW_SAMPLE, fields);
      if (bad !== undefined) {
        ctx.stats.error(bad, 'sflow flow sample');
        continue;
      }
      exporter.stats.lostFlows += sampleSequence(domain.sampleSequences, fields.sourceKey).observe(
        fields.sequence,
        1,
      );
      const rate = device.sampleRate ?? (fields.samplingRate === 0 ? 1 : fields.samplingRate);
      exporter.stats.sampleRate = rate;
      writer.write(row++, buf, fields, rate, ctx.minute, ctx.receivedAt, device.id, nameCode);
    } else if (tag === COUNTER_SAMPLE || tag === EXPANDED_COUNTER_SAMPLE) {
      const bad = decodeCounterSample(dv, body, off, tag === EXPANDED_COUNTER_SAMPLE, ctx, out);
      if (bad !== undefined) ctx.stats.error(bad, 'sflow counter sample');
    }
  }
  flows.length = row;
  exporter.stats.flows += row - firstRow;
  return row - firstRow;
}

function sampleSequence(trackers: Map<number, SequenceTracker>, source: number): SequenceTracker {
  let t = trackers.get(source);
  if (t === undefined) {
    t = new SequenceTracker();
    trackers.set(source, t);
  }
  return t;
}
