/**
 * Reading a flowlens process's structured log (JSON lines on a piped stderr, docs/operations.md
 * "Logs"). Lines that are not JSON objects (usage errors before the logger exists, Node's own
 * warnings) are not log records and are skipped; a complete line that starts like one but does not
 * parse fails the test. A last line without its newline is still arriving: it is left for later.
 */

export interface LogRecord {
  readonly time: string;
  readonly level: 'error' | 'warn' | 'info' | 'debug';
  readonly service: string;
  readonly pid: number;
  readonly hostname: string;
  readonly msg: string;
  readonly component?: string;
  readonly [field: string]: unknown;
}

export function logRecords(stderr: string): LogRecord[] {
  const records: LogRecord[] = [];
  const lines = stderr.split('\n');
  lines.pop(); // '' after the last newline, or a line still being read
  for (const line of lines) {
    if (!line.startsWith('{')) continue;
    try {
      records.push(JSON.parse(line) as LogRecord);
    } catch (err) {
      throw new Error(`a log line that is not JSON (${(err as Error).message}): ${line}`);
    }
  }
  return records;
}

/** The messages of the log, one per line: what `assert.match` reads where it read plain lines. */
export function logMessages(stderr: string): string {
  return logRecords(stderr)
    .map((r) => r.msg)
    .join('\n');
}

/** Whether some record's msg matches `pattern` (a string: contains it). */
export function logged(stderr: string, pattern: RegExp | string): boolean {
  return logRecords(stderr).some((r) =>
    typeof pattern === 'string' ? r.msg.includes(pattern) : pattern.test(r.msg),
  );
}
