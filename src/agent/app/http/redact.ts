import type { AppFieldSink } from '../../contract.js';
import { setText } from '../latin1.js';
import { text } from './text.js';

const QUESTION = 0x3f;
const AMP = 0x26;
const EQUALS = 0x3d;
const STAR = 0x2a;

/**
 * A URL (or path) with its query values redacted: after the first `?`, each `&`-separated
 * parameter `name=value` becomes `name=*` (`name=` stays as is) and a parameter without `=` becomes
 * `*`; the path is kept. Written into `scratch` (at least `end - start` bytes: the result is never
 * longer than the input) and decoded once.
 */
export function redactQuery(buf: Uint8Array, start: number, end: number, scratch: Uint8Array): string {
  const n = redactInto(buf, start, end, scratch);
  return n < 0 ? text(buf, start, end) : text(scratch, 0, n);
}

/** Writes `redactQuery(buf, start, end, scratch)` into a string column of `out`. */
export function setRedacted(
  out: AppFieldSink,
  column: string,
  buf: Uint8Array,
  start: number,
  end: number,
  scratch: Uint8Array,
): void {
  const n = redactInto(buf, start, end, scratch);
  if (n < 0) setText(out, column, buf, start, end);
  else setText(out, column, scratch, 0, n);
}

/** The redacted URL's length in `scratch`, or -1 when it has no query (it is `buf[start..end)`). */
function redactInto(buf: Uint8Array, start: number, end: number, scratch: Uint8Array): number {
  let q = start;
  while (q < end && buf[q] !== QUESTION) q++;
  if (q === end) return -1;
  let n = 0;
  for (let i = start; i <= q; i++) scratch[n++] = buf[i]!;
  let p = q + 1;
  while (p <= end) {
    let amp = p;
    while (amp < end && buf[amp] !== AMP) amp++;
    let eq = p;
    while (eq < amp && buf[eq] !== EQUALS) eq++;
    if (eq < amp) {
      for (let i = p; i <= eq; i++) scratch[n++] = buf[i]!;
      if (eq + 1 < amp) scratch[n++] = STAR;
    } else if (p < amp) {
      scratch[n++] = STAR;
    }
    if (amp < end) scratch[n++] = AMP;
    p = amp + 1;
  }
  return n;
}
