import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { TcpListener } from './tcp-listener.js';

function ipfixMessage(length: number, fill: number): Buffer {
  const buf = Buffer.alloc(length, fill);
  buf.writeUInt16BE(10, 0);
  buf.writeUInt16BE(length, 2);
  return buf;
}

async function listener(accept = true) {
  const messages: Buffer[] = [];
  const errors: string[] = [];
  const l = new TcpListener(
    { name: 'ipfix', address: '127.0.0.1', port: 0 },
    (m) => {
      messages.push(Buffer.from(m));
      return accept;
    },
    (reason, address) => errors.push(`${reason} ${address}`),
    () => {},
  );
  await l.start();
  return { l, messages, errors };
}

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.once('error', reject);
  });
}

const closed = (s: net.Socket) => new Promise<void>((resolve) => s.once('close', () => resolve()));

test('IPFIX over TCP: split and coalesced writes frame into whole messages', async (t) => {
  const { l, messages } = await listener();
  t.after(() => l.stop());
  const s = await connect(l.port());
  const stream = Buffer.concat([ipfixMessage(100, 1), ipfixMessage(16, 2), ipfixMessage(3000, 3)]);
  s.setNoDelay(true);
  await new Promise((resolve) => s.write(stream.subarray(0, 50), resolve));
  await new Promise((resolve) => s.write(stream.subarray(50, 117), resolve));
  s.end(stream.subarray(117));
  await closed(s);
  assert.deepEqual(
    messages.map((m) => m.length),
    [100, 16, 3000],
  );
  assert.equal(l.stats().messages, 3);
  assert.equal(l.stats().badFrames, 0);
});

test('a bad length closes the connection and is counted', async (t) => {
  const { l, messages, errors } = await listener();
  t.after(() => l.stop());
  const s = await connect(l.port());
  const bad = ipfixMessage(16, 0);
  bad.writeUInt16BE(4, 2);
  s.write(Buffer.concat([ipfixMessage(20, 1), bad]));
  await closed(s);
  assert.equal(messages.length, 1);
  assert.deepEqual(errors, ['bad_length 127.0.0.1']);
  assert.equal(l.stats().badFrames, 1);
  assert.equal(l.stats().connections, 1);
});

test('a refused exporter is disconnected', async (t) => {
  const { l } = await listener(false);
  t.after(() => l.stop());
  const s = await connect(l.port());
  s.write(ipfixMessage(20, 1));
  await closed(s);
  assert.equal(l.stats().refusedConnections, 1);
});
