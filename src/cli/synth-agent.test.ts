import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseSynthAgentArgs } from './synth-agent.js';

const base = ['--server', 'http://127.0.0.1:8080', '--token', 'sixteen-chars-tok'];

test('flowlens synth: the agent options, their defaults and their errors', () => {
  const parsed = parseSynthAgentArgs(
    [...base, '--name', 'probe-1', '--export-interval-s', '5', '--health-port', '0'],
    {},
  );
  assert.ok(typeof parsed === 'object');
  assert.deepEqual(
    [
      parsed.config.name,
      parsed.config.exportIntervalMs,
      parsed.config.pollIntervalMs,
      parsed.healthPort,
      parsed.config.spoolDir,
    ],
    ['probe-1', 5000, 30_000, 0, undefined],
  );
  const fromEnv = parseSynthAgentArgs(['--server', 'https://x:1'], {
    FLOWLENS_SYNTH_TOKEN: 'token-from-the-env',
  });
  assert.ok(typeof fromEnv === 'object');
  assert.equal(fromEnv.config.token, 'token-from-the-env');
  assert.equal(fromEnv.healthPort, 10001);
  assert.equal(parseSynthAgentArgs(['--help'], {}), undefined);
  const errors: [string[], RegExp][] = [
    [['--token', 'sixteen-chars-tok'], /--server URL is required/],
    [['--server', 'ftp://x', '--token', 'sixteen-chars-tok'], /expected http/],
    [['--server', 'http://x'], /--token TOKEN/],
    [[...base, '--token', 'short'], /16 characters/],
    [[...base, '--concurrency', '0'], /--concurrency must be an integer from 1/],
    [[...base, '--ping-concurrency', '70000'], /--ping-concurrency must be an integer from 1 to 60000/],
    [[...base, '--name', 'a b'], /--name a b/],
    [[...base, '--opentsdb-telnet', 'nohost'], /--opentsdb-telnet/],
    [[...base, '--bogus'], /Unknown option/],
  ];
  for (const [args, message] of errors) {
    const r = parseSynthAgentArgs(args, {});
    assert.equal(typeof r, 'string', args.join(' '));
    assert.match(r as string, message);
  }
});
