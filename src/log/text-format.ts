import type { LogDestination } from './logger.js';

/** Fields every line carries that a reader at a terminal does not need repeated. */
const hidden = new Set(['time', 'level', 'msg', 'component', 'service', 'pid', 'hostname']);

export interface TextStyle {
  /** Start with the time (ISO 8601) and the level padded to one width: a terminal's style. */
  readonly terminal: boolean;
}

/**
 * One log record (as pino wrote it in JSON) as one line, without the newline:
 * `time LEVEL component: msg key=value …` at a terminal; `[level ]component: msg key=value …` for a
 * plain line sink, where info lines carry no level (they read as before structured logs).
 */
export function renderText(record: Record<string, unknown>, style: TextStyle): string {
  const level = String(record.level ?? 'info');
  let out = '';
  if (style.terminal) out = `${String(record.time ?? '')} ${level.toUpperCase().padEnd(5)} `;
  else if (level !== 'info') out = `${level} `;
  if (typeof record.component === 'string') out += `${record.component}: `;
  // One record, one line: a message with line breaks keeps them escaped.
  out += String(record.msg ?? '').replace(/\r?\n/g, '\\n');
  for (const key in record) {
    if (hidden.has(key)) continue;
    out += ` ${key}=${renderValue(key, record[key])}`;
  }
  return out;
}

function renderValue(key: string, value: unknown): string {
  if (typeof value === 'string') return /^[^\s"=\\]+$/.test(value) ? value : JSON.stringify(value);
  if (typeof value !== 'object' || value === null) return String(value);
  // pino's error serializer gives {type, message, stack}: the message is what fits on one line.
  if (key === 'err' && typeof (value as { message?: unknown }).message === 'string')
    return JSON.stringify((value as { message: string }).message);
  return JSON.stringify(value);
}

/** A destination that turns pino's JSON lines into text lines and hands them to `out`. */
export function textDestination(out: (line: string) => void, style: TextStyle): LogDestination {
  return {
    write(json: string): void {
      out(renderText(JSON.parse(json) as Record<string, unknown>, style));
    },
  };
}
