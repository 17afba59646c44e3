import type { ClockBase } from './fields.js';
import { SetPacketEncoder } from './sets.js';
import {
  ipfixIPv4Template,
  ipfixIPv6Template,
  ipfixSamplingOptions,
  type OptionsTemplateSpec,
  type TemplateSpec,
} from './templates.js';

export interface IpfixEncoderConfig {
  observationDomainId: number;
  templates: readonly TemplateSpec[];
  optionsTemplates: readonly OptionsTemplateSpec[];
  /** Largest message to build (bytes). */
  maxBytes: number;
}

export const defaultIpfixEncoderConfig: IpfixEncoderConfig = {
  observationDomainId: 0,
  templates: [ipfixIPv4Template, ipfixIPv6Template],
  optionsTemplates: [ipfixSamplingOptions],
  maxBytes: 1400,
};

const HEADER = 16;

/**
 * Builds IPFIX messages (RFC 7011) for one observation domain: template sets (set id 2),
 * options template sets (3), template withdrawals, data sets with fixed and variable-length
 * fields and enterprise-specific elements. The header's sequence number is the count of data
 * records sent in earlier messages of this domain (RFC 7011 section 3.1).
 */
export class IpfixEncoder extends SetPacketEncoder {
  readonly config: IpfixEncoderConfig;
  /** Data records sent before the packet being built: its sequence number. */
  sequence = 0;
  private nowMs = 0;
  protected readonly templateSetId = 2;
  protected readonly optionsTemplateSetId = 3;

  constructor(config: Partial<IpfixEncoderConfig> = {}) {
    const c = { ...defaultIpfixEncoderConfig, ...config };
    const clock: ClockBase = { bootMs: 0 };
    super(HEADER, c.maxBytes, clock, c.templates, c.optionsTemplates);
    this.config = c;
  }

  start(out: Buffer, nowMs: number): void {
    this.begin(out);
    this.nowMs = nowMs;
  }

  /** Sampling options data for the standard options template: 1 packet in `interval`. */
  addSampling(interval: number): void {
    this.addOptionsData(ipfixSamplingOptions.id, [
      this.config.observationDomainId,
      1,
      Math.max(0, interval - 1),
    ]);
  }

  /** Template withdrawal records (field count 0) for the given template ids. */
  addWithdrawals(ids: readonly number[]): void {
    this.openSet(this.templateSetId);
    for (const id of ids) {
      this.u16(id);
      this.u16(0);
      this.records++;
    }
    this.closeSet();
  }

  /** Writes the header and returns the message length in bytes. */
  finish(): number {
    const out = this.out;
    out.writeUInt16BE(10, 0);
    out.writeUInt16BE(this.offset, 2);
    out.writeUInt32BE(Math.floor(this.nowMs / 1000) >>> 0, 4);
    out.writeUInt32BE(this.sequence, 8);
    out.writeUInt32BE(this.config.observationDomainId >>> 0, 12);
    this.sequence = (this.sequence + this.dataRecords) >>> 0;
    return this.offset;
  }

  protected writeOptionsTemplateRecord(t: OptionsTemplateSpec): void {
    this.u16(t.id);
    this.u16(t.scopes.length + t.fields.length);
    this.u16(t.scopes.length);
    this.fieldSpecs(t.scopes);
    this.fieldSpecs(t.fields);
  }
}
