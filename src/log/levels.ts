/** Log levels, most severe first; a logger at one level writes it and every level above it. */
export const logLevels = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof logLevels)[number];

/** `json`: one JSON object per line (for collectors); `text`: one readable line (for a terminal). */
export const logFormats = ['json', 'text'] as const;
export type LogFormat = (typeof logFormats)[number];

/** Structured fields of a log line: error code, reason, device, tenant, duration_ms … */
export type LogFields = Readonly<Record<string, unknown>>;

export function isLogLevel(value: unknown): value is LogLevel {
  return (logLevels as readonly unknown[]).includes(value);
}

export function isLogFormat(value: unknown): value is LogFormat {
  return (logFormats as readonly unknown[]).includes(value);
}

/** Text for humans when stderr is a terminal, JSON when it goes to a file, a pipe or journald. */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stderr): LogFormat {
  return stream.isTTY === true ? 'text' : 'json';
}
