import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultServerUrl, parseQueryArgs } from './query-args.js';

const basic = (u: string, p: string) => `Basic ${Buffer.from(`${u}:${p}`).toString('base64')}`;

test('defaults: the local server as flowlens / flowlens, table output', () => {
  const args = parseQueryArgs(['SELECT 1'], {});
  assert.deepEqual(args, {
    help: false,
    sql: 'SELECT 1',
    params: [],
    format: 'table',
    target: { kind: 'server', url: defaultServerUrl, authorization: basic('flowlens', 'flowlens') },
  });
});

test('credentials from flags, then the environment; a token becomes Bearer', () => {
  const env = { FLOWLENS_USER: 'noc', FLOWLENS_PASSWORD: 'pw', FLOWLENS_SERVER: 'http://10.0.0.1:9000/' };
  const fromEnv = parseQueryArgs(['SELECT 1'], env).target;
  assert.deepEqual(fromEnv, {
    kind: 'server',
    url: 'http://10.0.0.1:9000',
    authorization: basic('noc', 'pw'),
  });
  const flags = parseQueryArgs(['-U', 'a', '--password', 'b', '-s', 'http://h:1', 'x'], env).target;
  assert.deepEqual(flags, { kind: 'server', url: 'http://h:1', authorization: basic('a', 'b') });
  const token = parseQueryArgs(['--token', 'tok', 'x'], {}).target;
  assert.deepEqual(token, { kind: 'server', url: defaultServerUrl, authorization: 'Bearer tok' });
  const envToken = parseQueryArgs(['x'], { FLOWLENS_TOKEN: 't2' }).target;
  assert.equal(envToken.kind === 'server' && envToken.authorization, 'Bearer t2');
});

test('--data, --param, --format; contradictions refused', () => {
  const args = parseQueryArgs(
    ['-d', '/var/flowlens', '--tenant', 'acme', '-F', 'csv', '-p', '1', '-p', 'x', 'q'],
    {
      USER: 'me',
    },
  );
  assert.deepEqual(args.target, { kind: 'data', dir: '/var/flowlens', tenant: 'acme', user: 'me' });
  assert.deepEqual(args.params, ['1', 'x']);
  assert.equal(args.format, 'csv');
  for (const bad of [
    ['--format', 'xml', 'q'],
    ['--data', 'd', '--server', 'http://h:1', 'q'],
    ['--tenant', 'acme', 'q'],
    ['--token', 't', '--user', 'u', 'q'],
    ['--server', 'ftp://h', 'q'],
    ['a', 'b'],
    ['--nope', 'q'],
  ])
    assert.throws(() => parseQueryArgs(bad, {}), { name: 'Error' }, bad.join(' '));
});
