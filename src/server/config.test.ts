import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, defaultServerConfig, mergeConfig, parseConfigFile } from './config.js';
import { parseServerArgs } from './config-flags.js';

test('defaults: the documented ports, auto-registration on, data required', () => {
  const config = mergeConfig({}, parseServerArgs(['--data', '/tmp/x']).flags);
  assert.equal(config.data, '/tmp/x');
  assert.deepEqual(
    [
      config.netflowPort,
      config.sflowPort,
      config.ipfixTcpPort,
      config.httpPort,
      config.pgPort,
      config.healthPort,
    ],
    [2055, 6343, 4739, 8080, 5433, 10001],
  );
  assert.equal(config.listen, '0.0.0.0');
  assert.equal(config.autoRegister, true);
  assert.equal(config.quiet, false);
  assert.throws(() => mergeConfig({}, {}), /--data DIR/);
});

test('every option is settable in the file; flags override the file; 0 is a valid port', () => {
  const file = parseConfigFile(
    JSON.stringify({
      data: '/srv/flowlens',
      listen: '::',
      netflowPort: 9995,
      sflowPort: 0,
      ipfixTcpPort: 0,
      httpPort: 0,
      pgPort: 15433,
      healthPort: 0,
      recvBufferSize: 1 << 20,
      quiet: true,
      autoRegister: false,
      devices: [
        { address: '192.0.2.1', id: 7, name: 'edge1', tenant: 'acme', sampleRate: 1000 },
        { address: '2001:db8::1' },
      ],
    }),
    'flowlens.json',
  );
  const args = parseServerArgs([
    '--config',
    'flowlens.json',
    '--netflow-port',
    '2056',
    '--sflow-port',
    '6343',
    '-q',
  ]);
  assert.equal(args.configFile, 'flowlens.json');
  const config = mergeConfig(file, args.flags);
  assert.equal(config.netflowPort, 2056);
  assert.equal(config.sflowPort, 6343);
  assert.equal(config.ipfixTcpPort, 0);
  assert.equal(config.pgPort, 15433);
  assert.equal(config.listen, '::');
  assert.equal(config.autoRegister, false);
  assert.equal(config.devices.length, 2);
  assert.equal(config.devices[0]!.sampleRate, 1000);
  assert.equal(mergeConfig(file, parseServerArgs(['--auto-register']).flags).autoRegister, true);
  assert.equal(mergeConfig({}, parseServerArgs(['--data', 'd', '--health-port', '0']).flags).healthPort, 0);
});

test('config file errors name the file and the bad key', () => {
  const bad = (json: unknown, message: RegExp) =>
    assert.throws(
      () => parseConfigFile(JSON.stringify(json), 'f.json'),
      (err: Error) => {
        assert.ok(err instanceof ConfigError, String(err));
        assert.match(err.message, /^f\.json: /);
        assert.match(err.message, message);
        return true;
      },
    );
  bad({ netflow_port: 1 }, /unknown key "netflow_port"/);
  bad({ netflowPort: 70000 }, /netflowPort: expected a port number 0-65535/);
  bad({ netflowPort: '2055' }, /netflowPort: expected a port number/);
  bad({ listen: 'localhost' }, /listen: expected an IPv4 or IPv6 address/);
  bad({ quiet: 'yes' }, /quiet: expected true or false/);
  bad({ devices: {} }, /devices: expected an array/);
  bad({ devices: [{ name: 'x' }] }, /devices\[0\]: missing "address"/);
  bad({ devices: [{ address: '10.0.0.1', sampleRate: 0 }] }, /devices\[0\]\.sampleRate: expected an integer/);
  bad({ devices: [{ address: '10.0.0.1', colour: 'red' }] }, /devices\[0\]: unknown key "colour"/);
  bad({ devices: [{ address: '10.0.0.1' }, { address: '10.0.0.1' }] }, /devices\[1\]\.address: duplicate/);
  bad(
    {
      devices: [
        { address: '10.0.0.1', id: 3 },
        { address: '10.0.0.2', id: 3 },
      ],
    },
    /devices\[1\]\.id: duplicate/,
  );
  bad([], /top level: expected an object/);
  assert.throws(() => parseConfigFile('{', 'f.json'), /f\.json: not valid JSON/);
});

test('flag errors name the flag', () => {
  assert.throws(() => parseServerArgs(['--netflow-port', 'abc']), /--netflow-port: expected a port number/);
  assert.throws(() => parseServerArgs(['--pg-port', '-1']), /pg-port/);
  assert.throws(() => parseServerArgs(['--listen', 'nowhere']), /--listen: expected an IPv4 or IPv6 address/);
  assert.throws(() => parseServerArgs(['--bogus']), /Unknown option '--bogus'.*--help/);
  assert.throws(() => parseServerArgs(['--auto-register', '--no-auto-register']), /contradict/);
  assert.equal(parseServerArgs(['--help']).help, true);
  assert.equal(defaultServerConfig.recvBufferSize, 32 << 20);
});

test('store and HTTP options: defaults, flags, checks', () => {
  const defaults = mergeConfig({}, parseServerArgs(['--data', '/tmp/x']).flags);
  assert.equal(defaults.httpListen, '127.0.0.1', 'the HTTP API is loopback-only by default');
  assert.deepEqual(
    [defaults.print, defaults.retentionDays, defaults.fsync, defaults.graceMs, defaults.compactAfterMs],
    [false, 30, 'always', 90_000, 7_200_000],
  );
  const flags = parseServerArgs([
    '--print',
    '--http-listen',
    '::',
    '--retention-days',
    '7',
    '--fsync',
    'interval(50)',
    '--grace-ms',
    '0',
    '--compact-after-ms',
    '60000',
    '--maintenance-interval-ms',
    '500',
  ]).flags;
  assert.deepEqual(flags, {
    print: true,
    httpListen: '::',
    retentionDays: 7,
    fsync: 'interval(50)',
    graceMs: 0,
    compactAfterMs: 60_000,
    maintenanceIntervalMs: 500,
  });
  assert.throws(() => parseServerArgs(['--fsync', 'sometimes']), /--fsync: bad fsync policy/);
  assert.throws(() => parseServerArgs(['--retention-days', '0']), /--retention-days: expected an integer 1-/);
  assert.throws(
    () => parseConfigFile('{"graceMs": -1}', 'f.json'),
    /f\.json: graceMs: expected an integer 0-/,
  );
});

test('the health socket: loopback by default, another address by flag or file, checked', () => {
  assert.equal(mergeConfig({}, parseServerArgs(['--data', 'd']).flags).healthListen, '127.0.0.1');
  assert.equal(
    mergeConfig({}, parseServerArgs(['--data', 'd', '--health-listen', '::1']).flags).healthListen,
    '::1',
  );
  assert.equal(parseConfigFile('{"healthListen": "0.0.0.0"}', 'f.json').healthListen, '0.0.0.0');
  assert.throws(
    () => parseServerArgs(['--health-listen', 'localhost']),
    /--health-listen: expected an IPv4 or IPv6/,
  );
});

test('metrics export: OpenTSDB receivers off by default, set by flag or file, checked', () => {
  const defaults = mergeConfig({}, parseServerArgs(['--data', '/d']).flags);
  assert.equal(defaults.opentsdbTelnet, undefined);
  assert.equal(defaults.opentsdbUrl, undefined);
  assert.equal(defaults.metricsIntervalMs, 10_000);
  const flags = parseServerArgs([
    '--data',
    '/d',
    '--opentsdb-telnet',
    '[::1]:4242',
    '--opentsdb-url',
    'http://127.0.0.1:4242',
    '--metrics-interval-ms',
    '5000',
  ]).flags;
  assert.deepEqual(
    [flags.opentsdbTelnet, flags.opentsdbUrl, flags.metricsIntervalMs],
    ['[::1]:4242', 'http://127.0.0.1:4242', 5000],
  );
  const file = parseConfigFile(JSON.stringify({ opentsdbTelnet: 'tsdb.example:4242' }), 'f.json');
  assert.equal(file.opentsdbTelnet, 'tsdb.example:4242');
  assert.throws(
    () => parseServerArgs(['--opentsdb-telnet', '127.0.0.1']),
    /--opentsdb-telnet: expected host:port/,
  );
  assert.throws(() => parseServerArgs(['--opentsdb-url', 'udp://x:1']), /--opentsdb-url: expected an http/);
  assert.throws(() => parseServerArgs(['--metrics-interval-ms', '0']), /--metrics-interval-ms/);
  assert.throws(
    () => parseConfigFile('{"opentsdbUrl": 4242}', 'f.json'),
    /f\.json: opentsdbUrl: expected an http/,
  );
});

test('logs: level info and format by terminal (unset) by default; set by flag or file, checked', () => {
  const defaults = mergeConfig({}, parseServerArgs(['--data', '/d']).flags);
  assert.deepEqual([defaults.logLevel, defaults.logFormat], ['info', undefined]);
  const flags = parseServerArgs(['--log-level', 'debug', '--log-format', 'text']).flags;
  assert.deepEqual([flags.logLevel, flags.logFormat], ['debug', 'text']);
  const file = parseConfigFile(JSON.stringify({ logLevel: 'warn', logFormat: 'json' }), 'f.json');
  assert.deepEqual([file.logLevel, file.logFormat], ['warn', 'json']);
  assert.equal(mergeConfig(file, { ...flags, data: '/d' }).logLevel, 'debug', 'flags win');
  assert.throws(() => parseServerArgs(['--log-level', 'trace']), /--log-level: expected one of error, warn/);
  assert.throws(
    () => parseConfigFile('{"logFormat": "pretty"}', 'f.json'),
    /f\.json: logFormat: expected "json"/,
  );
});
