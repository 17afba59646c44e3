import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { test } from 'node:test';
import { defaultLogFormat, type LogFormat, type LogLevel } from './levels.js';
import { createLogger, lineLogger } from './logger.js';
import { logSink } from './sink.js';

function capture(level: LogLevel = 'info', format: LogFormat = 'json') {
  const chunks: string[] = [];
  const logger = createLogger({
    service: 'test',
    level,
    format,
    destination: { write: (c) => chunks.push(c) },
  });
  return { logger, chunks };
}

test('JSON lines parse and carry time, level name, service, pid, hostname, component, msg and fields', () => {
  const { logger, chunks } = capture();
  const before = Date.now();
  logger
    .child({ component: 'collector' })
    .warn('template missing', { reason: 'template_missing', device: 7 });
  const after = Date.now();
  assert.equal(chunks.length, 1);
  assert.ok(chunks[0]!.endsWith('\n'), 'one line each');
  const line = JSON.parse(chunks[0]!);
  assert.match(line.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/, 'ISO 8601');
  const t = Date.parse(line.time);
  assert.ok(t >= before && t <= after, `${line.time} within the call`);
  assert.equal(line.level, 'warn');
  assert.equal(line.service, 'test');
  assert.equal(line.pid, process.pid);
  assert.equal(line.hostname, hostname());
  assert.equal(line.component, 'collector');
  assert.equal(line.msg, 'template missing');
  assert.equal(line.reason, 'template_missing');
  assert.equal(line.device, 7);
});

test('an Error under err keeps its type, message and stack', () => {
  const { logger, chunks } = capture();
  logger.error('cannot save', { err: new RangeError('disk on fire') });
  const line = JSON.parse(chunks[0]!);
  assert.equal(line.err.type, 'RangeError');
  assert.equal(line.err.message, 'disk on fire');
  assert.match(line.err.stack, /logger\.test/);
});

test('the level filters: each level writes itself and the more severe ones', () => {
  const order: LogLevel[] = ['error', 'warn', 'info', 'debug'];
  for (const [i, level] of order.entries()) {
    const { logger, chunks } = capture(level);
    for (const l of order) logger[l](`at ${l}`);
    const written = chunks.map((c) => JSON.parse(c).level);
    assert.deepEqual(written, order.slice(0, i + 1), `level ${level}`);
    for (const l of order) assert.equal(logger.isEnabled(l), order.indexOf(l) <= i);
    assert.equal(logger.child({ component: 'x' }).level, level, 'children inherit the level');
  }
});

test('text format: one line of time, level, component, msg and key=value fields', () => {
  const { logger, chunks } = capture('debug', 'text');
  logger
    .child({ component: 'store' })
    .error('disk is full', { reason: 'store_disk_full', path: '/var/a b', n: 3 });
  logger.info('ready');
  logger.warn('two\nlines');
  assert.equal(chunks.length, 3);
  assert.match(
    chunks[0]!,
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ERROR store: disk is full reason=store_disk_full path="\/var\/a b" n=3\n$/,
  );
  assert.match(chunks[1]!, /^\S+Z INFO {2}ready\n$/, 'no component, no pid or hostname');
  assert.match(chunks[2]!, /^\S+Z WARN {2}two\\nlines\n$/, 'a line break in msg stays on the line');
});

test('a LogSink is a logger bound at one level; a line logger hands text lines to a sink', () => {
  const lines: string[] = [];
  const logger = lineLogger((l) => lines.push(l));
  logSink(logger)('plain as before');
  logSink(logger, 'warn')('careful');
  logger.child({ component: 'http' }).error('boom', { reason: 'http_internal', err: new Error('x\ny') });
  assert.deepEqual(lines, [
    'plain as before',
    'warn careful',
    'error http: boom reason=http_internal err="x\\ny"',
  ]);
});

test('by default: JSON on a piped stderr, written synchronously: a crash right after loses no line', () => {
  const n = 20_000;
  // An asynchronous destination (pino.destination with sync: false) keeps 1 of these lines.
  const script = `
    const { createLogger } = await import(${JSON.stringify(new URL('./logger.js', import.meta.url).href)});
    const log = createLogger({ service: 'crash-test' });
    for (let i = 0; i < ${n}; i++) log.info('line', { i, pad: 'x'.repeat(100) });
    process.abort();
  `;
  // No core file from the abort.
  const r = spawnSync(
    'sh',
    ['-c', 'ulimit -c 0; exec "$0" --input-type=module -e "$1"', process.execPath, script],
    {
      encoding: 'utf8',
      maxBuffer: 256 << 20,
    },
  );
  assert.equal(r.signal, 'SIGABRT', r.stderr.slice(0, 500));
  const lines = r.stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    lines.map((l) => l.i),
    Array.from({ length: n }, (_, i) => i),
  );
  assert.equal(lines[0].service, 'crash-test');
});

test('the default format is text at a terminal, JSON otherwise', () => {
  assert.equal(defaultLogFormat({ isTTY: true }), 'text');
  assert.equal(defaultLogFormat({ isTTY: false }), 'json');
  assert.equal(defaultLogFormat({}), 'json');
});
