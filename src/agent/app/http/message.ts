import { fail, type HttpRun } from './errors.js';
import { chunkSize, endOfHeaders, headerLine } from './headers.js';
import { requestLine, statusLine } from './start-line.js';
import { type HttpSide, type HttpState, Mode } from './state.js';

const CR = 0x0d;

/** One complete line `buf[start..end)` (the LF excluded) of a direction, by the direction's mode. */
export function onLine(
  run: HttpRun,
  st: HttpState,
  side: HttpSide,
  client: boolean,
  buf: Uint8Array,
  start: number,
  end: number,
): void {
  if (end > start && buf[end - 1] === CR) end--;
  switch (side.mode) {
    case Mode.start:
      if (end === start) return; // empty lines between messages are tolerated (RFC 9112 2.2)
      if (client) requestLine(run, st, side, buf, start, end);
      else statusLine(run, st, side, buf, start, end);
      return;
    case Mode.headers:
      if (end === start) endOfHeaders(run, st, side, client);
      else headerLine(run, side, client, buf, start, end);
      return;
    case Mode.chunkSize:
      chunkSize(run, side, buf, start, end);
      return;
    case Mode.chunkEnd:
      if (end === start) side.mode = Mode.chunkSize;
      else fail(run, side, 'bad_chunk');
      return;
    case Mode.trailers:
      if (end === start) side.mode = Mode.start;
      return;
  }
}
