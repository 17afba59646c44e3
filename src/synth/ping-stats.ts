/** The summary of one ping run, from each probe's RTT in send order (NaN: no reply). */
export interface PingStats {
  readonly received: number;
  readonly rttMinMs: number;
  readonly rttAvgMs: number;
  readonly rttMaxMs: number;
  /** Population standard deviation (divides by n, like ping's mdev), NaN without replies. */
  readonly rttStddevMs: number;
  /** Mean absolute difference of consecutive RTTs of the probes that came back, NaN below two. */
  readonly jitterMs: number;
}

export function pingStats(rtts: ArrayLike<number>): PingStats {
  let received = 0;
  let sum = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let diffs = 0;
  let diffSum = 0;
  let previous = Number.NaN;
  for (let i = 0; i < rtts.length; i++) {
    const r = rtts[i]!;
    if (Number.isNaN(r)) continue;
    received++;
    sum += r;
    if (r < min) min = r;
    if (r > max) max = r;
    if (!Number.isNaN(previous)) {
      diffSum += Math.abs(r - previous);
      diffs++;
    }
    previous = r;
  }
  if (received === 0) {
    const nan = Number.NaN;
    return { received, rttMinMs: nan, rttAvgMs: nan, rttMaxMs: nan, rttStddevMs: nan, jitterMs: nan };
  }
  const avg = sum / received;
  let squares = 0;
  for (let i = 0; i < rtts.length; i++) {
    const r = rtts[i]!;
    if (!Number.isNaN(r)) squares += (r - avg) * (r - avg);
  }
  return {
    received,
    rttMinMs: min,
    rttAvgMs: avg,
    rttMaxMs: max,
    rttStddevMs: Math.sqrt(squares / received),
    jitterMs: diffs === 0 ? Number.NaN : diffSum / diffs,
  };
}
