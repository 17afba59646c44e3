import { F } from '../../flow/batch.js';
import type { DecodeTarget, PacketContext } from '../context.js';
import type { DomainState } from '../exporter.js';
import type { DecodeEnv, Template } from './template.js';

/** Key of a sampling rate that options data scoped to one template (IPFIX templateId scope). */
export const TEMPLATE_SCOPE = 0x1_0000_0000;

/** Reused for every data set: decoding allocates nothing per packet. */
const env: DecodeEnv = {
  minute: 0,
  deviceId: 0,
  nameCode: 0,
  rate: 1,
  fixedRate: false,
  samplers: new Map(),
  timeBase: 0,
  exportMs: 0,
  end: 0,
  truncated: false,
  lastRate: 1,
};

/** The DataView of the last packet: a receive loop that reuses its buffer creates none. */
let viewOf: Uint8Array = new Uint8Array(0);
let view = new DataView(viewOf.buffer);

function dataView(buf: Uint8Array): DataView {
  if (buf !== viewOf) {
    viewOf = buf;
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  return view;
}

/** Whether `buf[from..to)` is all zero bytes (set padding rather than a cut record). */
export function isPadding(buf: Uint8Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}

/**
 * Decodes the data records of one set `buf[off..end)` with a data template into the flow batch.
 * `timeBase` is the base of uptime-relative times (see DecodeEnv). Returns the flows appended.
 */
export function decodeDataSet(
  buf: Uint8Array,
  off: number,
  end: number,
  template: Template,
  domain: DomainState,
  timeBase: number,
  exportMs: number,
  ctx: PacketContext,
  out: DecodeTarget,
): number {
  const compiled = template.decoder!;
  const exporter = ctx.exporter;
  const device = exporter.device;
  const b = out.flows;
  const maxRows = ((end - off) / template.minLength) | 0;
  if (maxRows === 0) {
    if (!isPadding(buf, off, end)) ctx.stats.error('truncated', `data set of template ${template.id}`);
    return 0;
  }
  b.reserve(maxRows);
  b.touchAll(compiled.columns);
  env.minute = ctx.minute;
  env.deviceId = device.id;
  env.nameCode = b.dicts[F.i_device_name]!.code(device.name);
  env.fixedRate = device.sampleRate !== undefined && device.sampleRate > 0;
  env.rate = env.fixedRate
    ? device.sampleRate!
    : (domain.samplers.get(TEMPLATE_SCOPE + template.id) ?? domain.samplers.get(0) ?? 1);
  env.samplers = domain.samplers;
  env.timeBase = timeBase;
  env.exportMs = exportMs;
  const n = compiled.decode(buf, dataView(buf), off, end, b.arrays, b.length, env);
  b.length += n;
  if (env.end < end && !isPadding(buf, env.end, end))
    ctx.stats.error('truncated', `record of template ${template.id}`);
  exporter.stats.flows += n;
  if (n > 0) exporter.stats.sampleRate = env.lastRate;
  return n;
}
