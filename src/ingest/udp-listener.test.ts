import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { UdpListener } from './udp-listener.js';

test('a receive buffer above net.core.rmem_max is capped, and the log says how to raise it', async (t) => {
  const rmemMax = Number(readFileSync('/proc/sys/net/core/rmem_max', 'utf8'));
  const lines: string[] = [];
  const l = new UdpListener(
    { name: 'netflow', address: '127.0.0.1', port: 0, recvBufferSize: rmemMax * 2 },
    () => {},
    (line) => lines.push(line),
  );
  await l.start();
  t.after(() => l.stop());
  assert.equal(l.stats().recvBufferSize, rmemMax);
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, new RegExp(`net\\.core\\.rmem_max=${rmemMax * 2}`));
});

test('a dual-stack listener on :: receives IPv4 datagrams with their sender address', async (t) => {
  const got: string[] = [];
  let arrived: () => void;
  const done = new Promise<void>((resolve) => {
    arrived = resolve;
  });
  const l = new UdpListener(
    { name: 'netflow', address: '::', port: 0, recvBufferSize: 1 << 20 },
    (buf, address) => {
      got.push(`${address} ${buf.toString()}`);
      arrived();
    },
    () => {},
  );
  await l.start();
  t.after(() => l.stop());
  const s = dgram.createSocket('udp4');
  t.after(() => s.close());
  s.send('hello', l.port(), '127.0.0.1');
  await done;
  assert.deepEqual(got, ['::ffff:127.0.0.1 hello']);
  assert.equal(l.stats().datagrams, 1);
  assert.match(l.describe(), /^netflow udp \[::\]:\d+ /);
});
