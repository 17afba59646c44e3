import type { LogLevel } from './levels.js';
import { type Logger, lineLogger } from './logger.js';

/** Where plain log lines go: the older form of a component's log, still accepted everywhere. */
export type LogSink = (line: string) => void;

/** What a component's `log` dependency accepts: a Logger, or a plain line sink (tests). */
export type LogTarget = Logger | LogSink;

/** A Logger's `level` method bound as a LogSink, for components that still log plain lines. */
export function logSink(logger: Logger, level: LogLevel = 'info'): LogSink {
  return (line) => logger[level](line);
}

/** The Logger behind a component's `log` dependency; a plain sink gets text lines (lineLogger). */
export function loggerOf(target: LogTarget): Logger {
  return typeof target === 'function' ? lineLogger(target) : target;
}

/** Plain lines on stderr: the default of components used without a logger (CLI tools, benches). */
export const stderrLines: LogSink = (line) => process.stderr.write(`${line}\n`);
