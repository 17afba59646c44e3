import { hostname } from 'node:os';
import { type Logger as Pino, pino } from 'pino';
import { defaultLogFormat, type LogFields, type LogFormat, type LogLevel } from './levels.js';
import { textDestination } from './text-format.js';

/** Where a logger writes: each call gets one complete line (JSON lines end with a newline). */
export interface LogDestination {
  write(chunk: string): void;
}

export interface LoggerOptions {
  /** The process's role: server, agent, synth … (the `service` field of every line). */
  readonly service: string;
  /** Lines below this level are dropped before anything is formatted. Default info. */
  readonly level?: LogLevel;
  /** Default: text when stderr is a terminal, JSON otherwise. */
  readonly format?: LogFormat;
  /** Default: stderr, written synchronously so that nothing is lost at exit or in a crash. */
  readonly destination?: LogDestination;
}

/**
 * A structured logger over pino. Every line has time (ISO 8601), level (its name), service, pid,
 * hostname, the bindings of `child` (component …), msg, and the call's fields. Give an Error as the
 * field `err` (type, message and stack are kept).
 */
export class Logger {
  /** Use createLogger or lineLogger. */
  constructor(private readonly pino: Pino) {}

  error(msg: string, fields?: LogFields): void {
    if (fields === undefined) this.pino.error(msg);
    else this.pino.error(fields, msg);
  }

  warn(msg: string, fields?: LogFields): void {
    if (fields === undefined) this.pino.warn(msg);
    else this.pino.warn(fields, msg);
  }

  info(msg: string, fields?: LogFields): void {
    if (fields === undefined) this.pino.info(msg);
    else this.pino.info(fields, msg);
  }

  debug(msg: string, fields?: LogFields): void {
    if (fields === undefined) this.pino.debug(msg);
    else this.pino.debug(fields, msg);
  }

  /** A logger whose lines all carry `bindings` too, e.g. `{ component: 'collector' }`. */
  child(bindings: LogFields): Logger {
    return new Logger(this.pino.child(bindings));
  }

  /** Whether a line at `level` would be written: check it before building costly fields. */
  isEnabled(level: LogLevel): boolean {
    return this.pino.isLevelEnabled(level);
  }

  get level(): LogLevel {
    return this.pino.level as LogLevel;
  }
}

const levelLabel = { level: (label: string) => ({ level: label }) };

export function createLogger(options: LoggerOptions): Logger {
  const format = options.format ?? defaultLogFormat();
  const out = options.destination ?? pino.destination({ dest: 2, sync: true });
  const destination =
    format === 'json' ? out : textDestination((line) => out.write(`${line}\n`), { terminal: true });
  return new Logger(
    pino(
      {
        level: options.level ?? 'info',
        base: { service: options.service, pid: process.pid, hostname: hostname() },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: levelLabel,
      },
      destination,
    ),
  );
}

/**
 * A logger that hands each line, as text without time, to a plain line sink (a test's array,
 * a component used outside the server). Info lines read `msg key=value …`, others `level msg …`.
 */
export function lineLogger(sink: (line: string) => void, level: LogLevel = 'debug'): Logger {
  return new Logger(
    pino(
      { level, base: null, timestamp: false, formatters: levelLabel },
      textDestination(sink, { terminal: false }),
    ),
  );
}
