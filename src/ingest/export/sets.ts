import { type ClockBase, type FieldSpec, VARIABLE_LENGTH, variableValue, writeField } from './fields.js';
import type { ExportFlow } from './flow.js';
import { fixedLength, type OptionsTemplateSpec, type TemplateSpec } from './templates.js';

/**
 * What NetFlow v9 and IPFIX share: a header, then sets (flowsets) each starting with a 16-bit id
 * and a 16-bit length, padded to 4 bytes. Subclasses write the header; this class tracks the open
 * set, the record count and the space left under `maxBytes` (an MTU-sized datagram).
 */
export abstract class SetPacketEncoder {
  protected out: Buffer = Buffer.alloc(0);
  protected offset = 0;
  private setStart = -1;
  /** Records (template, options and data) in the packet being built. */
  protected records = 0;
  /** Data records in the packet being built. */
  protected dataRecords = 0;
  protected readonly templates = new Map<number, TemplateSpec>();
  protected readonly optionsTemplates = new Map<number, OptionsTemplateSpec>();

  constructor(
    protected readonly headerLength: number,
    readonly maxBytes: number,
    readonly clock: ClockBase,
    templates: readonly TemplateSpec[],
    optionsTemplates: readonly OptionsTemplateSpec[],
  ) {
    for (const t of templates) this.templates.set(t.id, t);
    for (const t of optionsTemplates) this.optionsTemplates.set(t.id, t);
  }

  protected abstract readonly templateSetId: number;
  protected abstract readonly optionsTemplateSetId: number;
  protected abstract writeOptionsTemplateRecord(t: OptionsTemplateSpec): void;

  /** Starts a packet in `out` (reused between packets). */
  begin(out: Buffer): void {
    this.out = out;
    this.offset = this.headerLength;
    this.setStart = -1;
    this.records = 0;
    this.dataRecords = 0;
  }

  /** Bytes left before `maxBytes` (or the end of the buffer). */
  get room(): number {
    return Math.min(this.maxBytes, this.out.length) - this.offset;
  }

  /** A template set announcing the given templates (all of them by default). */
  addTemplates(ids?: readonly number[]): void {
    this.openSet(this.templateSetId);
    for (const t of this.templates.values()) {
      if (ids && !ids.includes(t.id)) continue;
      this.u16(t.id);
      this.u16(t.fields.length);
      this.fieldSpecs(t.fields);
      this.records++;
    }
    this.closeSet();
  }

  /** An options template set announcing every options template. */
  addOptionsTemplates(): void {
    this.openSet(this.optionsTemplateSetId);
    for (const t of this.optionsTemplates.values()) {
      this.writeOptionsTemplateRecord(t);
      this.records++;
    }
    this.closeSet();
  }

  /** One options data record: `values` in scope-then-field order. */
  addOptionsData(templateId: number, values: readonly number[]): void {
    const t = this.optionsTemplates.get(templateId);
    if (!t) throw new Error(`unknown options template ${templateId}`);
    this.openSet(templateId);
    let i = 0;
    for (const spec of [...t.scopes, ...t.fields]) {
      writeUintField(this.out, this.offset, spec.length, values[i++] ?? 0);
      this.offset += spec.length;
    }
    this.records++;
    this.dataRecords++;
    this.closeSet();
  }

  /**
   * A data set of template `templateId` with flows[start..start+count) — as many as fit in the
   * packet. Returns how many records it wrote.
   */
  addData(templateId: number, flows: readonly ExportFlow[], start: number, count: number): number {
    const t = this.templates.get(templateId);
    if (!t) throw new Error(`unknown template ${templateId}`);
    const fixed = fixedLength(t.fields);
    const variable = t.fields.length - t.fields.filter((f) => f.length !== VARIABLE_LENGTH).length;
    if (this.room < 4 + fixed + variable * 3) return 0;
    this.openSet(templateId);
    let n = 0;
    for (; n < count; n++) {
      const f = flows[start + n]!;
      if (this.room < fixed + this.variableBytes(t.fields, f) + 3) break;
      this.offset = writeRecord(this.out, this.offset, t.fields, f, this.clock);
    }
    this.records += n;
    this.dataRecords += n;
    this.closeSet();
    return n;
  }

  protected openSet(id: number): void {
    this.setStart = this.offset;
    this.u16(id);
    this.u16(0);
  }

  protected closeSet(): void {
    while ((this.offset - this.setStart) % 4 !== 0) this.out[this.offset++] = 0;
    this.out.writeUInt16BE(this.offset - this.setStart, this.setStart + 2);
    this.setStart = -1;
  }

  protected u16(v: number): void {
    this.out.writeUInt16BE(v, this.offset);
    this.offset += 2;
  }

  protected u32(v: number): void {
    this.out.writeUInt32BE(v >>> 0, this.offset);
    this.offset += 4;
  }

  protected fieldSpecs(fields: readonly FieldSpec[]): void {
    for (const f of fields) {
      this.u16(f.enterprise === undefined ? f.id : f.id | 0x8000);
      this.u16(f.length);
      if (f.enterprise !== undefined) this.u32(f.enterprise);
    }
  }

  private variableBytes(fields: readonly FieldSpec[], f: ExportFlow): number {
    let n = 0;
    for (const spec of fields) {
      if (spec.length !== VARIABLE_LENGTH) continue;
      const len = Buffer.byteLength(variableValue(spec, f), 'latin1');
      n += len < 255 ? 1 + len : 3 + len;
    }
    return n;
  }
}

/** Writes one data record; returns the offset after it. Allocates nothing. */
export function writeRecord(
  buf: Buffer,
  o: number,
  fields: readonly FieldSpec[],
  f: ExportFlow,
  clock: ClockBase,
): number {
  for (let i = 0; i < fields.length; i++) {
    const spec = fields[i]!;
    if (spec.length !== VARIABLE_LENGTH) {
      writeField(buf, o, spec, f, clock);
      o += spec.length;
      continue;
    }
    // RFC 7011 section 7: one length byte, or 255 then a 16-bit length.
    const value = variableValue(spec, f);
    const len = value.length;
    if (len < 255) {
      buf[o++] = len;
    } else {
      buf[o++] = 255;
      buf.writeUInt16BE(len, o);
      o += 2;
    }
    o += buf.write(value, o, 'latin1');
  }
  return o;
}

function writeUintField(buf: Buffer, o: number, len: number, value: number): void {
  let v = value;
  for (let i = len - 1; i >= 0; i--) {
    buf[o + i] = v & 0xff;
    v = Math.floor(v / 256);
  }
}
