import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { freeTcpPort, freeUdpPort, tempDir } from './helpers/peers.js';
import { logged, logMessages } from './helpers/server-log.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

function flowlens(args: string[]) {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function netflow5(): Buffer {
  const buf = Buffer.alloc(24 + 48);
  buf.writeUInt16BE(5, 0);
  buf.writeUInt16BE(1, 2);
  buf.writeUInt32BE(1_700_000_000, 8);
  buf.writeUInt32BE(0xc0000201, 24);
  buf.writeUInt32BE(0xc6336401, 28);
  buf.writeUInt32BE(3, 24 + 16);
  buf.writeUInt32BE(180, 24 + 20);
  buf[24 + 38] = 17;
  return buf;
}

test('flowlens server --print: prints what it listens on and each flow as JSON; SIGTERM stops it cleanly', async (t) => {
  const data = `${tempDir(t)}/data`;
  const netflowPort = await freeUdpPort();
  const ipfixPort = await freeTcpPort();
  const httpPort = await freeTcpPort();
  const pgPort = await freeTcpPort();
  const config = `${tempDir(t)}/flowlens.json`;
  writeFileSync(
    config,
    JSON.stringify({ devices: [{ address: '127.0.0.1', id: 9, name: 'lab' }], sflowPort: 0 }),
  );
  const server = flowlens([
    'server',
    '--data',
    data,
    '--config',
    config,
    '--listen',
    '127.0.0.1',
    '--netflow-port',
    String(netflowPort),
    '--ipfix-tcp-port',
    String(ipfixPort),
    '--http-port',
    String(httpPort),
    '--pg-port',
    String(pgPort),
    // The health socket's default port (10001) would clash with other tests' servers.
    '--health-port',
    '0',
    '--print',
  ]);
  t.after(() => server.child.kill('SIGKILL'));
  // 'ready:' is the last start-up line; the lines before it may arrive in separate chunks.
  await until(() => logged(server.stderr(), /^ready:/), `the ready line:\n${server.stderr()}`);
  assert.match(logMessages(server.stderr()), new RegExp(`netflow udp 127\\.0\\.0\\.1:${netflowPort}`));
  assert.match(logMessages(server.stderr()), new RegExp(`ipfix tcp 127\\.0\\.0\\.1:${ipfixPort}`));
  assert.doesNotMatch(logMessages(server.stderr()), /sflow udp/, 'port 0 disables the sFlow listener');
  assert.match(logMessages(server.stderr()), new RegExp(`http API: http 127\\.0\\.0\\.1:${httpPort}`));
  assert.match(
    logMessages(server.stderr()),
    new RegExp(`postgres: 127\\.0\\.0\\.1:${pgPort} \\(no TLS, scram-sha-256\\)`),
  );
  assert.ok(existsSync(data), 'the data directory is created');

  const sender = dgram.createSocket('udp4');
  t.after(() => sender.close());
  sender.send(netflow5(), netflowPort, '127.0.0.1');
  await until(() => server.stdout().includes('\n'), 'a flow on stdout');
  const flow = JSON.parse(server.stdout().split('\n')[0]!);
  assert.equal(flow.src_addr, '192.0.2.1');
  assert.equal(flow.dst_addr, '198.51.100.1');
  assert.equal(flow.in_bytes, 180);
  assert.equal(flow.i_device_id, 9);
  assert.equal(flow.i_device_name, 'lab');

  server.child.kill('SIGTERM');
  assert.equal(await server.exited, 0);
  assert.match(logMessages(server.stderr()), /SIGTERM: stopping/);
  assert.match(logMessages(server.stderr()), /stopped: 1 packets, 1 flows/);
});

test('flowlens server: bad options fail with exit code 2 and a message naming the key', async (t) => {
  const config = `${tempDir(t)}/bad.json`;
  writeFileSync(config, JSON.stringify({ netflowPort: 99999 }));
  const bad = flowlens(['server', '--data', tempDir(t), '--config', config]);
  assert.equal(await bad.exited, 2);
  assert.match(bad.stderr(), /bad\.json: netflowPort: expected a port number 0-65535/);

  const noData = flowlens(['server']);
  assert.equal(await noData.exited, 2);
  assert.match(noData.stderr(), /--data DIR/);

  const help = flowlens(['server', '--help']);
  assert.equal(await help.exited, 0);
  for (const flag of [
    '--netflow-port',
    '--sflow-port',
    '--ipfix-tcp-port',
    '--http-port',
    '--pg-port',
    '--pg-listen',
    '--health-port',
    '--demo',
  ])
    assert.ok(help.stdout().includes(flag), flag);
  assert.match(help.stdout(), /psql -h 127\.0\.0\.1 -p 5433 -U flowlens flowlens/);
});
