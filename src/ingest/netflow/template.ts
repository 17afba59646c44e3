import type { NumberArray } from '../../flow/batch.js';

/** IPFIX marks a variable-length field with this length (NetFlow v9 has none). */
export const VARIABLE_LENGTH = 0xffff;

/** One field of a template: information element id, enterprise number (0 for IANA), length. */
export interface TemplateField {
  readonly id: number;
  readonly pen: number;
  /** Bytes in the record, or VARIABLE_LENGTH. */
  readonly length: number;
}

/** Per-call inputs and outputs of a compiled record decoder, reused (no allocation per packet). */
export interface DecodeEnv {
  minute: number;
  deviceId: number;
  nameCode: number;
  /** Rate for records that say nothing about sampling themselves. */
  rate: number;
  /** The device's configured rate: records' own sampling fields are ignored. */
  fixedRate: boolean;
  /** Rates by sampler / selector id, from options data. */
  samplers: Map<number, number>;
  /** Base of uptime-relative times: v9 export time - sysUptime, IPFIX the system init time (0 unknown). */
  timeBase: number;
  exportMs: number;
  /** Out: offset just past the last whole record decoded. */
  end: number;
  /** Out: the data ended inside a record. */
  truncated: boolean;
  /** Out: the sampling rate of the last record. */
  lastRate: number;
}

/**
 * Decodes the records of one data set from `buf[off..end)` into the column arrays `A` starting
 * at `row`, and returns how many it wrote. The caller reserves room for
 * `floor((end - off) / minLength)` rows first.
 */
export type RecordDecoder = (
  buf: Uint8Array,
  /** A DataView of exactly `buf`. */
  dv: DataView,
  off: number,
  end: number,
  A: NumberArray[],
  row: number,
  env: DecodeEnv,
) => number;

/** A compiled data template layout: the decoder and the columns it writes (to `touch` them). */
export interface CompiledDecoder {
  readonly decode: RecordDecoder;
  readonly columns: readonly number[];
  /** The field list, shared by every template of this layout (memory per exporter stays small). */
  readonly fields: readonly TemplateField[];
}

/** A NetFlow v9 / IPFIX template or options template, compiled once when it is received. */
export interface Template {
  readonly id: number;
  /** 9 for NetFlow v9, 10 for IPFIX. */
  readonly version: number;
  readonly options: boolean;
  /** Options templates: how many leading fields are scope fields. */
  readonly scopeCount: number;
  readonly fields: readonly TemplateField[];
  /** Smallest possible record (variable-length fields count their 1-byte length prefix). */
  readonly minLength: number;
  /** Record length when every field has a fixed length, else 0. */
  readonly fixedLength: number;
  /** Data templates: the compiled record decoder (shared by templates with the same layout). */
  readonly decoder: CompiledDecoder | undefined;
}
