import type { ClockBase } from './fields.js';
import { SetPacketEncoder } from './sets.js';
import {
  netflow9IPv4Template,
  netflow9IPv6Template,
  netflow9SamplingOptions,
  type OptionsTemplateSpec,
  type TemplateSpec,
} from './templates.js';

export interface Netflow9EncoderConfig {
  /** Source id (observation domain) in every packet header. */
  sourceId: number;
  /** When the exporter booted (ms since epoch): the base of sysUptime and FIRST/LAST_SWITCHED. */
  bootMs: number;
  templates: readonly TemplateSpec[];
  optionsTemplates: readonly OptionsTemplateSpec[];
  /** Largest datagram to build (bytes). */
  maxBytes: number;
}

export const defaultNetflow9EncoderConfig: Netflow9EncoderConfig = {
  sourceId: 0,
  bootMs: 0,
  templates: [netflow9IPv4Template, netflow9IPv6Template],
  optionsTemplates: [netflow9SamplingOptions],
  maxBytes: 1400,
};

const HEADER = 20;

/**
 * Builds NetFlow v9 export packets (RFC 3954) for one source id:
 *
 *   enc.begin(buf, now); enc.addTemplates(); enc.addData(256, flows, 0, n); const len = enc.finish();
 *
 * The header's count is the number of records (template, options and data) in the packet; its
 * sequence number counts the packets this encoder finished before (per source id, as RFC 3954
 * section 5.1 defines it).
 */
export class Netflow9Encoder extends SetPacketEncoder {
  readonly config: Netflow9EncoderConfig;
  /** Sequence number the next packet carries. */
  sequence = 0;
  private nowMs = 0;
  protected readonly templateSetId = 0;
  protected readonly optionsTemplateSetId = 1;

  constructor(config: Partial<Netflow9EncoderConfig> = {}) {
    const c = { ...defaultNetflow9EncoderConfig, ...config };
    const clock: ClockBase = { bootMs: c.bootMs };
    super(HEADER, c.maxBytes, clock, c.templates, c.optionsTemplates);
    this.config = c;
  }

  /** Starts a packet exported at `nowMs`. */
  start(out: Buffer, nowMs: number): void {
    this.begin(out);
    this.nowMs = nowMs;
  }

  /** Sampling options data for the standard options template: `interval` 1-in-N, algorithm. */
  addSampling(interval: number, algorithm = 2): void {
    this.addOptionsData(netflow9SamplingOptions.id, [this.config.sourceId, interval, algorithm]);
  }

  /** Writes the header and returns the packet's length in bytes. */
  finish(): number {
    const out = this.out;
    out.writeUInt16BE(9, 0);
    out.writeUInt16BE(this.records, 2);
    out.writeUInt32BE((this.nowMs - this.config.bootMs) >>> 0, 4);
    out.writeUInt32BE(Math.floor(this.nowMs / 1000) >>> 0, 8);
    out.writeUInt32BE(this.sequence, 12);
    out.writeUInt32BE(this.config.sourceId >>> 0, 16);
    this.sequence = (this.sequence + 1) >>> 0;
    return this.offset;
  }

  protected writeOptionsTemplateRecord(t: OptionsTemplateSpec): void {
    this.u16(t.id);
    this.u16(t.scopes.length * 4);
    this.u16(t.fields.length * 4);
    this.fieldSpecs(t.scopes);
    this.fieldSpecs(t.fields);
  }
}
