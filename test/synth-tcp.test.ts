import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import type { TcpSpec } from '../src/synth/contract.js';
import { tcpProbe } from '../src/synth/probes/tcp-probe.js';

const never = new AbortController().signal;
const spec = (target: string, port: number, extra: Partial<TcpSpec> = {}): TcpSpec => ({
  id: 't',
  type: 'tcp',
  target,
  intervalS: 60,
  timeoutMs: 5000,
  port,
  ...extra,
});

test('TCP connect: an open port connects (and the server sees it), a closed one is refused', async (t) => {
  let accepted = 0;
  let onAccept = () => {};
  const server = net.createServer((socket) => {
    accepted++;
    onAccept();
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as net.AddressInfo;

  const open = await tcpProbe.run(spec('127.0.0.1', port), never);
  assert.deepEqual([open.ok, open.error, open.address], [true, '', '127.0.0.1']);
  assert.ok(open.latencyMs > 0);
  const named = await tcpProbe.run(spec('localhost', port, { family: 4 }), never);
  assert.deepEqual([named.ok, named.address], [true, '127.0.0.1']);
  if (accepted < 2) await new Promise<void>((resolve) => (onAccept = () => accepted === 2 && resolve()));

  // Port 1 is reserved and unused here: the kernel answers the SYN with a RST.
  const closed = await tcpProbe.run(spec('127.0.0.1', 1), never);
  assert.deepEqual([closed.ok, closed.error, closed.address], [false, 'refused', '127.0.0.1']);
  assert.ok(Number.isNaN(closed.latencyMs));

  for (const bad of [spec('127.0.0.1', 0), spec('127.0.0.1', 70_000), spec('127.0.0.1', port, { family: 6 })])
    assert.equal((await tcpProbe.run(bad, never)).error, 'bad_spec', JSON.stringify(bad));

  const stop = new AbortController();
  stop.abort();
  assert.equal((await tcpProbe.run(spec('127.0.0.1', port), stop.signal)).error, 'aborted');
});
