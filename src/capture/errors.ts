/**
 * Capture-file error accounting with a bounded set of reasons. Counting costs no allocation; the
 * first message is kept (with its file offset) so a user sees what went wrong and where.
 */
export const captureErrorReasons = [
  'not_a_capture', // the file starts with neither a pcap nor a pcapng magic number
  'bad_header', // a pcap file header or pcapng section header that cannot be used
  'truncated', // the file ends inside a header, block or packet record
  'bad_block', // a pcapng block whose length is impossible (stops: the framing is lost)
  'bad_record_length', // a packet record longer than any capture allows (stops) or than its block (skipped)
  'unknown_interface', // a pcapng packet for an interface no IDB described (skipped)
] as const;

export type CaptureErrorReason = (typeof captureErrorReasons)[number];

const reasonIndex = Object.fromEntries(captureErrorReasons.map((r, i) => [r, i])) as Record<
  CaptureErrorReason,
  number
>;

export class CaptureStats {
  readonly errors = new Float64Array(captureErrorReasons.length);
  /** Packets handed to the callback. */
  packets = 0;
  /** Captured bytes handed to the callback. */
  bytes = 0;
  /** The first error, as a sentence with its file offset; undefined when the file was clean. */
  firstError: string | undefined;
  onError: ((reason: CaptureErrorReason, message: string) => void) | undefined;

  error(reason: CaptureErrorReason, message: string): void {
    this.errors[reasonIndex[reason]]!++;
    this.firstError ??= message;
    this.onError?.(reason, message);
  }

  count(reason: CaptureErrorReason): number {
    return this.errors[reasonIndex[reason]]!;
  }

  totalErrors(): number {
    let n = 0;
    for (const v of this.errors) n += v;
    return n;
  }

  /** Nonzero error counts by reason. */
  errorCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    captureErrorReasons.forEach((r, i) => {
      if (this.errors[i]! > 0) out[r] = this.errors[i]!;
    });
    return out;
  }
}
