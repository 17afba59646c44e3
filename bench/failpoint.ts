import { clearFailPoints, failPoint, setFailPoint } from '../src/metrics/failpoint.js';

/**
 * What a fail point costs on a hot path: `node dist/bench/failpoint.js` prints nanoseconds per
 * loop iteration (best of 5 runs of 50 M) for a loop that calls failPoint with nothing
 * configured (the one boolean check), with another point configured (a map lookup), firing
 * `return`, and for the same loop without the call (the baseline). JSON on stdout.
 */
const calls = 50_000_000;
let sink = 0;

/** Each loop is its own function, so each call site stays monomorphic, as in real code. */
const loops = {
  baseline(n: number): void {
    for (let i = 0; i < n; i++) if ((i & 0xffffff) === 0xffffff) sink++;
  },
  failPoint(n: number): void {
    for (let i = 0; i < n; i++)
      if ((i & 0xffffff) === 0xffffff || failPoint('bench.point') !== undefined) sink++;
  },
};

function best(loop: (n: number) => void): number {
  let out = Infinity;
  for (let run = 0; run < 5; run++) {
    const t0 = process.hrtime.bigint();
    loop(calls);
    out = Math.min(out, Number(process.hrtime.bigint() - t0) / calls);
  }
  return Math.round(out * 1000) / 1000;
}

const baseline = best(loops.baseline);
const nothingConfigured = best(loops.failPoint);
setFailPoint('bench.other', 'return');
const otherPointConfigured = best(loops.failPoint);
clearFailPoints();
setFailPoint('bench.point', 'return(x)');
const firingReturn = best(loops.failPoint);
clearFailPoints();
console.log(
  JSON.stringify({
    calls,
    nsPerIteration: { baseline, nothingConfigured, otherPointConfigured, firingReturn },
    sink,
  }),
);
