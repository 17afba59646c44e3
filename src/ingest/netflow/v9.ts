import type { DecodeTarget, PacketContext } from '../context.js';
import type { DomainState } from '../exporter.js';
import { decodeDataSet, isPadding } from './data-set.js';
import { readOptionsSet } from './options.js';
import { installTemplate, MAX_FIELDS, readFields } from './template-set.js';

const HEADER = 20;

/**
 * NetFlow v9 (RFC 3954): a 20-byte header, then flowsets: 0 templates, 1 options templates,
 * 256 and up data. The header's sequence number counts export packets per source id; times in
 * records are milliseconds of sysUptime, made absolute with the header's sysUptime and unix secs.
 */
export function decodeNetflow9(buf: Uint8Array, ctx: PacketContext, out: DecodeTarget): number {
  if (buf.length < HEADER) {
    ctx.stats.error('truncated', 'netflow v9 header');
    return 0;
  }
  const uptime = ((buf[4]! << 24) | (buf[5]! << 16) | (buf[6]! << 8) | buf[7]!) >>> 0;
  const unixSecs = ((buf[8]! << 24) | (buf[9]! << 16) | (buf[10]! << 8) | buf[11]!) >>> 0;
  const sequence = ((buf[12]! << 24) | (buf[13]! << 16) | (buf[14]! << 8) | buf[15]!) >>> 0;
  const sourceId = ((buf[16]! << 24) | (buf[17]! << 16) | (buf[18]! << 8) | buf[19]!) >>> 0;
  const exporter = ctx.exporter;
  const domain = exporter.domain(9, sourceId);
  exporter.stats.lostPackets += domain.sequence.observe(sequence, 1);
  const exportMs = unixSecs * 1000;
  const timeBase = exportMs - uptime;

  let flows = 0;
  let off = HEADER;
  const end = buf.length;
  while (off + 4 <= end) {
    const id = (buf[off]! << 8) | buf[off + 1]!;
    const length = (buf[off + 2]! << 8) | buf[off + 3]!;
    if (length < 4) {
      // Some exporters pad the datagram itself: trailing zeroes are not an error.
      if (!isPadding(buf, off, end)) ctx.stats.error('bad_length', `flowset ${id} length ${length}`);
      break;
    }
    let setEnd = off + length;
    if (setEnd > end) {
      ctx.stats.error('truncated', `flowset ${id} length ${length}`);
      setEnd = end;
    }
    const body = off + 4;
    if (id === 0) readTemplates(buf, body, setEnd, domain, ctx);
    else if (id === 1) readOptionsTemplates(buf, body, setEnd, domain, ctx);
    else if (id >= 256) {
      const template = domain.templates.get(id);
      if (template === undefined) {
        ctx.stats.error('template_missing', `netflow v9 template ${id}`);
        exporter.stats.templateMisses++;
      } else if (template.options) readOptionsSet(buf, body, setEnd, template, domain, ctx);
      else flows += decodeDataSet(buf, body, setEnd, template, domain, timeBase, exportMs, ctx, out);
    }
    off = setEnd;
  }
  if (off < end && end - off < 4 && !isPadding(buf, off, end))
    ctx.stats.error('truncated', 'netflow v9 flowset header');
  return flows;
}

function readTemplates(
  buf: Uint8Array,
  off: number,
  end: number,
  domain: DomainState,
  ctx: PacketContext,
): void {
  while (off + 4 <= end) {
    const id = (buf[off]! << 8) | buf[off + 1]!;
    const count = (buf[off + 2]! << 8) | buf[off + 3]!;
    if (id === 0 && count === 0) return; // padding
    if (count === 0 || count > MAX_FIELDS) {
      ctx.stats.error('bad_template', `netflow v9 template ${id}: ${count} fields`);
      return; // the rest of the set cannot be delimited
    }
    const read = readFields(buf, off + 4, end, count, false);
    if (read === undefined) {
      ctx.stats.error('truncated', `netflow v9 template ${id}`);
      return;
    }
    installTemplate(
      { id, version: 9, options: false, scopeCount: 0, fields: read.fields },
      domain,
      ctx.exporter,
      ctx,
    );
    off = read.next;
  }
}

function readOptionsTemplates(
  buf: Uint8Array,
  off: number,
  end: number,
  domain: DomainState,
  ctx: PacketContext,
): void {
  while (off + 6 <= end) {
    const id = (buf[off]! << 8) | buf[off + 1]!;
    const scopeLength = (buf[off + 2]! << 8) | buf[off + 3]!;
    const optionLength = (buf[off + 4]! << 8) | buf[off + 5]!;
    if (id === 0 && scopeLength === 0 && optionLength === 0) return; // padding
    const count = (scopeLength + optionLength) / 4;
    if (scopeLength % 4 !== 0 || optionLength % 4 !== 0 || count === 0 || count > MAX_FIELDS) {
      ctx.stats.error('bad_template', `netflow v9 options template ${id}`);
      return;
    }
    const read = readFields(buf, off + 6, end, count, false);
    if (read === undefined) {
      ctx.stats.error('truncated', `netflow v9 options template ${id}`);
      return;
    }
    const spec = { id, version: 9, options: true, scopeCount: scopeLength / 4, fields: read.fields };
    installTemplate(spec, domain, ctx.exporter, ctx);
    off = read.next;
  }
}
