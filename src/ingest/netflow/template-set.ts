import type { PacketContext } from '../context.js';
import type { DomainState, ExporterState } from '../exporter.js';
import { decoderFor, layoutKey } from './compile.js';
import { type Template, type TemplateField, VARIABLE_LENGTH } from './template.js';

/** Limits that keep a hostile or broken exporter from costing unbounded memory or time. */
export const MAX_FIELDS = 512;
export const MAX_TEMPLATES_PER_DOMAIN = 1024;
const MAX_RECORD = 0xffff;

export interface TemplateSpec {
  readonly id: number;
  readonly version: number;
  readonly options: boolean;
  readonly scopeCount: number;
  readonly fields: readonly TemplateField[];
}

/** Validates a template and compiles it; the reason as a string when it cannot be used. */
export function buildTemplate(spec: TemplateSpec): Template | string {
  const { fields } = spec;
  if (spec.id < 256 || spec.id > 0xffff) return `template id ${spec.id}`;
  if (fields.length === 0 || fields.length > MAX_FIELDS) return `${fields.length} fields`;
  let minLength = 0;
  let variable = false;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    // Cisco and Huawei send a zero-length "System" scope in v9 options templates: harmless there.
    const scopeOfV9 = spec.options && spec.version === 9 && i < spec.scopeCount;
    if (f.length === 0 && !scopeOfV9) return `zero-length field ${f.id}`;
    if (f.length === VARIABLE_LENGTH) {
      if (spec.version !== 10) return `variable-length field ${f.id} in NetFlow v9`;
      variable = true;
      minLength += 1;
    } else minLength += f.length;
  }
  if (minLength === 0 || minLength > MAX_RECORD) return `record length ${minLength}`;
  if (spec.options && (spec.scopeCount > fields.length || (spec.version === 10 && spec.scopeCount === 0)))
    return `scope count ${spec.scopeCount}`;
  const decoder = spec.options ? undefined : decoderFor(fields);
  return {
    ...spec,
    fields: decoder?.fields ?? fields,
    minLength,
    fixedLength: variable ? 0 : minLength,
    decoder,
  };
}

/** Installs a template in a domain; an identical resend changes nothing (and triggers no save). */
export function installTemplate(
  spec: TemplateSpec,
  domain: DomainState,
  exporter: ExporterState,
  ctx: PacketContext | undefined,
): boolean {
  const old = domain.templates.get(spec.id);
  if (
    old !== undefined &&
    old.options === spec.options &&
    old.scopeCount === spec.scopeCount &&
    layoutKey(old.fields) === layoutKey(spec.fields)
  )
    return true;
  if (old === undefined && domain.templates.size >= MAX_TEMPLATES_PER_DOMAIN) {
    ctx?.stats.error('too_many_templates', `template ${spec.id}`);
    return false;
  }
  const template = buildTemplate(spec);
  if (typeof template === 'string') {
    ctx?.stats.error('bad_template', template);
    return false;
  }
  domain.templates.set(spec.id, template);
  exporter.templatesVersion++;
  return true;
}

/** IPFIX template withdrawal: one template, or all (data or options) for id 2 / 3. */
export function withdrawTemplate(
  id: number,
  options: boolean,
  domain: DomainState,
  exporter: ExporterState,
): void {
  if (id === 2 || id === 3) {
    for (const [tid, t] of domain.templates) if (t.options === options) domain.templates.delete(tid);
  } else domain.templates.delete(id);
  exporter.templatesVersion++;
}

/** Reads `count` (type, length[, enterprise]) field specifiers at `off`; undefined if they overrun `end`. */
export function readFields(
  buf: Uint8Array,
  off: number,
  end: number,
  count: number,
  ipfix: boolean,
): { fields: TemplateField[]; next: number } | undefined {
  const fields: TemplateField[] = [];
  for (let i = 0; i < count; i++) {
    if (off + 4 > end) return undefined;
    let id = (buf[off]! << 8) | buf[off + 1]!;
    const length = (buf[off + 2]! << 8) | buf[off + 3]!;
    off += 4;
    let pen = 0;
    if (ipfix && id & 0x8000) {
      if (off + 4 > end) return undefined;
      id &= 0x7fff;
      pen = ((buf[off]! << 24) | (buf[off + 1]! << 16) | (buf[off + 2]! << 8) | buf[off + 3]!) >>> 0;
      off += 4;
    }
    fields.push({ id, pen, length });
  }
  return { fields, next: off };
}
