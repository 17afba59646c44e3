import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { tempDir } from './helpers/peers.js';
import { startPgServerProcess } from './helpers/pg-server-process.js';
import { runClient } from './helpers/pg-test-server.js';
import { cli } from './helpers/server-process.js';

/** `flowlens server` reads pgTlsCert / pgTlsKey (PEM files) from its config and serves TLS with them. */

test('pgTlsCert and pgTlsKey: psql sslmode=require gets TLS from flowlens server', async (t) => {
  const dir = tempDir(t);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      `${dir}/key.pem`,
      '-out',
      `${dir}/cert.pem`,
    ].concat(['-days', '1', '-subj', '/CN=127.0.0.1']),
    { stdio: 'ignore', timeout: 30_000 },
  );
  const { pgPort } = await startPgServerProcess(t, {
    config: { pgTlsCert: `${dir}/cert.pem`, pgTlsKey: `${dir}/key.pem` },
  });
  const r = await runClient('psql', [
    '-X',
    '-At',
    `host=127.0.0.1 port=${pgPort} user=flowlens dbname=flowlens sslmode=require`,
    '-c',
    '\\conninfo',
    '-c',
    'SELECT count(*) FROM all_devices',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /SSL connection \(protocol: TLSv1\.[23]/);
  assert.match(r.stdout, /^0$/m);
});

test('a TLS key without its certificate, or a file that cannot be read, stops the start with exit code 2', async (t) => {
  const dir = tempDir(t);
  const run = (config: object) => {
    writeFileSync(`${dir}/config.json`, JSON.stringify(config));
    const args = [cli, 'server', '--data', `${dir}/data`, '--config', `${dir}/config.json`];
    return spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 30_000 });
  };
  const keyOnly = run({ pgTlsKey: `${dir}/key.pem` });
  assert.equal(keyOnly.status, 2);
  assert.match(keyOnly.stderr, /PostgreSQL TLS needs both a certificate and a key file/);
  const missing = run({ pgTlsCert: `${dir}/nosuch.pem`, pgTlsKey: `${dir}/nosuch.key` });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read pgTlsCert .*nosuch\.pem: ENOENT/);
});
