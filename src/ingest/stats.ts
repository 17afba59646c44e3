/**
 * Decode error accounting with a bounded set of reasons, kept in a typed array so counting costs
 * no allocation. The metrics registry (issue 5) exports these; the collector logs them through a
 * rate limiter.
 */
export const decodeErrorReasons = [
  'truncated', // the packet ends before a header, set or record it announces
  'bad_version', // not NetFlow v5/v9, IPFIX or sFlow v5
  'bad_length', // a length field is zero, too small, or larger than what contains it
  'bad_template', // a template or options template that cannot be used (loops, zero-length fields, too big)
  'template_missing', // data for a template that has not arrived yet: counted and dropped
  'bad_record', // a record whose contents are impossible (e.g. an address of the wrong size)
  'bad_sample', // an sFlow sample or record that cannot be parsed
  'unknown_exporter', // an exporter that is not configured while auto-registration is off
  'too_many_templates', // an exporter exceeded the per-domain template limit
] as const;

export type DecodeErrorReason = (typeof decodeErrorReasons)[number];

const reasonIndex = Object.fromEntries(decodeErrorReasons.map((r, i) => [r, i])) as Record<
  DecodeErrorReason,
  number
>;

export class DecodeStats {
  readonly errors = new Float64Array(decodeErrorReasons.length);
  packets = 0;
  bytes = 0;
  flows = 0;
  counterRecords = 0;
  /** Optional hook so the collector can log a first occurrence at a limited rate. */
  onError: ((reason: DecodeErrorReason, detail: string) => void) | undefined;

  error(reason: DecodeErrorReason, detail = ''): void {
    this.errors[reasonIndex[reason]]!++;
    this.onError?.(reason, detail);
  }

  count(reason: DecodeErrorReason): number {
    return this.errors[reasonIndex[reason]]!;
  }

  totalErrors(): number {
    let n = 0;
    for (const v of this.errors) n += v;
    return n;
  }

  snapshot(): Record<string, number> {
    const out: Record<string, number> = {
      packets: this.packets,
      bytes: this.bytes,
      flows: this.flows,
      counter_records: this.counterRecords,
    };
    decodeErrorReasons.forEach((r, i) => {
      out[`error_${r}`] = this.errors[i]!;
    });
    return out;
  }
}
