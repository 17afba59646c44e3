import type { DecodeTarget, PacketContext } from '../context.js';
import type { DomainState } from '../exporter.js';
import { decodeDataSet, isPadding } from './data-set.js';
import { readOptionsSet } from './options.js';
import { installTemplate, MAX_FIELDS, readFields, withdrawTemplate } from './template-set.js';

const HEADER = 16;

/**
 * IPFIX (RFC 7011): a 16-byte message header, then sets: 2 templates, 3 options templates,
 * 256 and up data. The header's sequence number counts data records per observation domain, so
 * gaps become lost flows. A template record with no fields withdraws that template (ids 2 and 3:
 * all data / options templates of the domain).
 */
export function decodeIpfix(buf: Uint8Array, ctx: PacketContext, out: DecodeTarget): number {
  if (buf.length < HEADER) {
    ctx.stats.error('truncated', 'ipfix header');
    return 0;
  }
  const length = (buf[2]! << 8) | buf[3]!;
  if (length < HEADER) {
    ctx.stats.error('bad_length', `ipfix message length ${length}`);
    return 0;
  }
  let end = length;
  if (end > buf.length) {
    ctx.stats.error('truncated', `ipfix message length ${length}`);
    end = buf.length;
  }
  const exportSecs = ((buf[4]! << 24) | (buf[5]! << 16) | (buf[6]! << 8) | buf[7]!) >>> 0;
  const sequence = ((buf[8]! << 24) | (buf[9]! << 16) | (buf[10]! << 8) | buf[11]!) >>> 0;
  const domainId = ((buf[12]! << 24) | (buf[13]! << 16) | (buf[14]! << 8) | buf[15]!) >>> 0;
  const exporter = ctx.exporter;
  const domain = exporter.domain(10, domainId);
  const exportMs = exportSecs * 1000;

  let flows = 0;
  let records = 0;
  let off = HEADER;
  while (off + 4 <= end) {
    const id = (buf[off]! << 8) | buf[off + 1]!;
    const setLength = (buf[off + 2]! << 8) | buf[off + 3]!;
    if (setLength < 4) {
      ctx.stats.error('bad_length', `ipfix set ${id} length ${setLength}`);
      break;
    }
    let setEnd = off + setLength;
    if (setEnd > end) {
      ctx.stats.error('truncated', `ipfix set ${id} length ${setLength}`);
      setEnd = end;
    }
    const body = off + 4;
    if (id === 2 || id === 3) readTemplates(buf, body, setEnd, id === 3, domain, ctx);
    else if (id >= 256) {
      const template = domain.templates.get(id);
      if (template === undefined) {
        ctx.stats.error('template_missing', `ipfix template ${id}`);
        exporter.stats.templateMisses++;
      } else if (template.options) records += readOptionsSet(buf, body, setEnd, template, domain, ctx);
      else {
        const n = decodeDataSet(buf, body, setEnd, template, domain, domain.systemInitMs, exportMs, ctx, out);
        flows += n;
        records += n;
      }
    }
    off = setEnd;
  }
  if (off < end && !isPadding(buf, off, end)) ctx.stats.error('truncated', 'ipfix set header');
  exporter.stats.lostFlows += domain.sequence.observe(sequence, records);
  return flows;
}

function readTemplates(
  buf: Uint8Array,
  off: number,
  end: number,
  options: boolean,
  domain: DomainState,
  ctx: PacketContext,
): void {
  const exporter = ctx.exporter;
  const what = options ? 'options template' : 'template';
  while (off + 4 <= end) {
    const id = (buf[off]! << 8) | buf[off + 1]!;
    const count = (buf[off + 2]! << 8) | buf[off + 3]!;
    if (count === 0) {
      if (id === 0) return; // padding
      withdrawTemplate(id, options, domain, exporter);
      off += 4;
      continue;
    }
    let scopeCount = 0;
    let fieldsAt = off + 4;
    if (options) {
      if (off + 6 > end) break;
      scopeCount = (buf[off + 4]! << 8) | buf[off + 5]!;
      fieldsAt = off + 6;
    }
    if (count > MAX_FIELDS) {
      ctx.stats.error('bad_template', `ipfix ${what} ${id}: ${count} fields`);
      return; // the rest of the set cannot be delimited
    }
    const read = readFields(buf, fieldsAt, end, count, true);
    if (read === undefined) {
      ctx.stats.error('truncated', `ipfix ${what} ${id}`);
      return;
    }
    installTemplate({ id, version: 10, options, scopeCount, fields: read.fields }, domain, exporter, ctx);
    off = read.next;
  }
  if (off < end && !isPadding(buf, off, end)) ctx.stats.error('truncated', `ipfix ${what} set`);
}
