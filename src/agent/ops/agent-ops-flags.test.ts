import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAgentOpsFlags } from './agent-ops-flags.js';

test('no flags: the health port is left to the run (long-running or not), nothing else listens or pushes', () => {
  assert.deepEqual(parseAgentOpsFlags({}), {
    healthPort: undefined,
    healthListen: '127.0.0.1',
    metricsListen: undefined,
    opentsdbTelnet: undefined,
    opentsdbUrl: undefined,
    metricsIntervalMs: 10_000,
    flushTimeoutMs: 30_000,
  });
});

test('values are parsed; IPv6 listen addresses in brackets', () => {
  const c = parseAgentOpsFlags({
    'health-port': '0',
    'metrics-listen': '[::1]:9100',
    'opentsdb-telnet': '127.0.0.1:4242',
    'opentsdb-url': 'http://127.0.0.1:4242',
    'flush-timeout': '2.5',
  });
  assert.equal(c.healthPort, 0);
  assert.deepEqual(c.metricsListen, { host: '::1', port: 9100 });
  assert.equal(c.opentsdbTelnet, '127.0.0.1:4242');
  assert.equal(c.flushTimeoutMs, 2500);
});

test('bad values: a readable message naming the flag', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ 'health-port': '70000' }, /--health-port must be 0-65535/],
    [{ 'health-port': 'x' }, /--health-port/],
    [{ 'metrics-listen': '9100' }, /--metrics-listen: expected host:port/],
    [{ 'metrics-listen': '127.0.0.1:0' }, /--metrics-listen/],
    [{ 'opentsdb-telnet': 'nowhere' }, /--opentsdb-telnet: expected host:port/],
    [{ 'opentsdb-url': 'ftp://x' }, /--opentsdb-url: expected an http/],
    [{ 'flush-timeout': '-1' }, /--flush-timeout must be a number of seconds/],
  ];
  for (const [values, message] of cases) assert.throws(() => parseAgentOpsFlags(values), message);
});
