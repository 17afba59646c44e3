import { fail, type HttpRun } from './errors.js';
import { onLine } from './message.js';
import { startsWithMethod, startsWithStatus } from './methods.js';
import { type HttpSide, type HttpState, Mode } from './state.js';

const LF = 0x0a;

/**
 * New in-order bytes `buf[o..end)` of one direction: lines are read in place (a line that runs
 * past the segment is carried over in the direction's bounded buffer), bodies are counted off.
 */
export function feed(
  run: HttpRun,
  st: HttpState,
  side: HttpSide,
  client: boolean,
  buf: Uint8Array,
  o: number,
  end: number,
): void {
  if (side.mode === Mode.resync) {
    // Framing lost: only a segment that starts a message picks it up again.
    if (!(client ? startsWithMethod(buf, o, end) : startsWithStatus(buf, o, end))) return;
    side.mode = Mode.start;
    side.lineLength = 0;
    side.lineTooLong = false;
  }
  while (o < end) {
    const mode = side.mode;
    if (mode === Mode.body || mode === Mode.chunkData) {
      const n = Math.min(side.remaining, end - o);
      side.remaining -= n;
      o += n;
      if (side.remaining === 0) side.mode = mode === Mode.body ? Mode.start : Mode.chunkEnd;
      continue;
    }
    if (mode >= Mode.untilClose) return;
    const lf = run.finder.find(buf, o, end, LF);
    if (lf === end) {
      carry(run, side, buf, o, end);
      return;
    }
    line(run, st, side, client, buf, o, lf);
    o = lf + 1;
  }
}

/** `n` bytes of the direction that were never seen. Inside a body they are counted off. */
export function lose(run: HttpRun, side: HttpSide, n: number): void {
  const mode = side.mode;
  if ((mode === Mode.body || mode === Mode.chunkData) && n <= side.remaining) {
    side.remaining -= n;
    if (side.remaining === 0) side.mode = mode === Mode.body ? Mode.start : Mode.chunkEnd;
    return;
  }
  if (mode >= Mode.untilClose) return;
  side.lineLength = 0;
  side.lineTooLong = false;
  fail(run, side, 'gap');
}

function line(
  run: HttpRun,
  st: HttpState,
  side: HttpSide,
  client: boolean,
  buf: Uint8Array,
  o: number,
  lf: number,
): void {
  const carried = side.lineLength;
  const tooLong = side.lineTooLong || carried + lf - o > run.config.maxLine;
  side.lineLength = 0;
  if (tooLong) {
    if (!side.lineTooLong) run.errors.line_too_long++;
    side.lineTooLong = false;
    // Without its start line or chunk size the message cannot be followed; a header is just skipped.
    if (side.mode !== Mode.headers && side.mode !== Mode.trailers) {
      side.mode = Mode.resync;
      side.reporting = false;
    }
    return;
  }
  if (carried === 0) {
    onLine(run, st, side, client, buf, o, lf);
    return;
  }
  const held = lineBuffer(side, carried, carried + lf - o);
  held.set(buf.subarray(o, lf), carried);
  onLine(run, st, side, client, held, 0, carried + lf - o);
}

function carry(run: HttpRun, side: HttpSide, buf: Uint8Array, o: number, end: number): void {
  if (side.lineTooLong) return;
  if (side.lineLength + end - o > run.config.maxLine) {
    side.lineTooLong = true;
    run.errors.line_too_long++;
    return;
  }
  lineBuffer(side, side.lineLength, side.lineLength + end - o).set(buf.subarray(o, end), side.lineLength);
  side.lineLength += end - o;
}

/** The direction's carry-over buffer, grown (from 512 bytes, doubling) to hold `need` bytes; keeps the first `used`. */
function lineBuffer(side: HttpSide, used: number, need: number): Uint8Array {
  const line = side.line;
  if (line !== undefined && line.length >= need) return line;
  const grown = new Uint8Array(Math.max(512, need, (line?.length ?? 0) * 2));
  if (line !== undefined) grown.set(line.subarray(0, used));
  side.line = grown;
  return grown;
}
