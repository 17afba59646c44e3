import type { PacketContext } from '../context.js';
import type { DomainState } from '../exporter.js';
import { isPadding, TEMPLATE_SCOPE } from './data-set.js';
import { localOf } from './elements.js';
import { type Template, VARIABLE_LENGTH } from './template.js';

/** Sampler ids remembered per domain; more are ignored (a broken exporter must not grow memory). */
const MAX_SAMPLERS = 4096;

function readUint(buf: Uint8Array, off: number, len: number): number {
  let v = 0;
  for (let i = 0; i < len; i++) v = v * 256 + buf[off + i]!;
  return v;
}

/**
 * Reads the records of an options data set: sampler / selector rates (IEs 34, 48-50, 302,
 * 305/306, with template-id scope in IPFIX) go to `domain.samplers`, the system init time (160)
 * to `domain.systemInitMs`. Options are rare, so this walks the fields instead of compiling.
 * Returns the number of records read.
 */
export function readOptionsSet(
  buf: Uint8Array,
  off: number,
  end: number,
  template: Template,
  domain: DomainState,
  ctx: PacketContext,
): number {
  const { fields } = template;
  let records = 0;
  while (off + template.minLength <= end) {
    let samplerId = -1;
    let interval = 0;
    let packetInterval = 0;
    let packetSpace = 0;
    let templateId = -1;
    let p = off;
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      let len = f.length;
      if (len === VARIABLE_LENGTH) {
        if (p >= end) break;
        len = buf[p++]!;
        if (len === 255) {
          if (p + 2 > end) {
            p = end + 1;
            break;
          }
          len = (buf[p]! << 8) | buf[p + 1]!;
          p += 2;
        }
      }
      if (p + len > end) {
        p = end + 1;
        break;
      }
      // NetFlow v9 scope field types (system, interface, ...) are not information elements.
      const name = template.version === 9 && i < template.scopeCount ? undefined : localOf(f.id, f.pen);
      if (name !== undefined && len <= 8) {
        const v = readUint(buf, p, len);
        if (name === 'samplerId') samplerId = v;
        else if (name === 'samplingInterval' && v > 0) interval = v;
        else if (name === 'packetInterval') packetInterval = v;
        else if (name === 'packetSpace') packetSpace = v;
        else if (name === 'templateId') templateId = v;
        else if (name === 'systemInitMs') domain.systemInitMs = v;
      }
      p += len;
    }
    if (p > end) {
      if (!isPadding(buf, off, end))
        ctx.stats.error('truncated', `options record of template ${template.id}`);
      break;
    }
    const rate =
      interval > 0
        ? interval
        : packetInterval > 0
          ? Math.max(1, Math.round((packetInterval + packetSpace) / packetInterval))
          : 0;
    if (rate > 0) {
      const key = samplerId >= 0 ? samplerId : templateId >= 0 ? TEMPLATE_SCOPE + templateId : 0;
      const known = domain.samplers.get(key);
      if (known !== rate && (known !== undefined || domain.samplers.size < MAX_SAMPLERS)) {
        domain.samplers.set(key, rate);
        ctx.exporter.templatesVersion++; // persisted with the templates
      }
    }
    records++;
    off = p;
  }
  return records;
}
