import { createFlowBatch, F, type FlowBatch } from '../../flow/batch.js';
import { appendRowObject } from '../../flow/row-object.js';
import { HttpError } from './respond.js';

const MINUTE_MS = 60_000;

/**
 * Parses a body of JSON lines — one object per flow keyed by schema column names, exactly what
 * `flowlens decode` prints — into a batch. Blank lines are skipped. A row without i_start_time
 * gets the minute of receipt; i_device_id and i_device_name are kept as sent. The first bad line
 * fails the whole body (400 bad_row with its 1-based line number): nothing of it is stored.
 */
export function parseFlowLines(body: string, receivedAt: number): FlowBatch {
  const lines = body.split('\n');
  const batch = createFlowBatch(lines.length);
  const times = () => batch.arrays[F.i_start_time]!;
  const minute = receivedAt - (receivedAt % MINUTE_MS);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      throw badRow(i, `not valid JSON: ${(err as Error).message}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw badRow(i, 'expected a JSON object keyed by column names');
    try {
      appendRowObject(batch, value as Record<string, unknown>);
    } catch (err) {
      throw badRow(i, (err as Error).message);
    }
    const row = batch.length - 1;
    if (times()[row] === 0) {
      times()[row] = minute;
      batch.touch(F.i_start_time);
    }
  }
  return batch;
}

function badRow(index: number, message: string): HttpError {
  const line = index + 1;
  return new HttpError(400, 'bad_row', `line ${line}: ${message}; nothing of this request was stored`, {
    line,
  });
}
