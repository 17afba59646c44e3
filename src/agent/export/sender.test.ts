import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { assertSameRows, randomFlowBatch } from '../../../test/helpers/flow-batches.js';
import { freeTcpPort, tempDir, waitFor } from '../../../test/helpers/peers.js';
import { F, type FlowBatch } from '../../flow/batch.js';
import { decodeFlowBatch } from './batch-decode.js';
import { createFlowSender, type FlowSender, type FlowSenderConfig } from './sender.js';

/**
 * The sender against a scripted HTTP server (a real one on loopback, whose answers each test
 * chooses): order, retries, spooling, bounds, refusals, timeouts, TLS. Against a real flowlens
 * server: test/agent-export.test.ts.
 */

interface Received {
  readonly url: URL;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

type Answer = (r: Received, n: number) => { status: number; body?: unknown } | 'hang';

async function scriptedServer(t: TestContext, answer: Answer, tls?: { key: Buffer; cert: Buffer }) {
  const received: Received[] = [];
  const handler = (req: http.IncomingMessage, res: http.ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { url: new URL(req.url!, 'http://x'), headers: req.headers, body: Buffer.concat(chunks) };
      received.push(r);
      const a = answer(r, received.length);
      if (a === 'hang') return;
      res.writeHead(a.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(a.body ?? { rows: decodeFlowBatch(r.body).batch.length }));
    });
  };
  const server = tls === undefined ? http.createServer(handler) : https.createServer(tls, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  const { port } = server.address() as AddressInfo;
  return { received, url: `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`, port };
}

const fast = { minBackoffMs: 5, maxBackoffMs: 20 };

function sender(t: TestContext, config: Partial<FlowSenderConfig> & { url: string }): FlowSender {
  const s = createFlowSender({ device: 'web-1', ...fast, ...config }, { log: () => {} });
  t.after(() => s.close());
  return s;
}

/** The batches of the received bodies that the server acknowledged, decoded, by sequence number. */
function decoded(received: readonly Received[]): Map<number, FlowBatch> {
  const out = new Map<number, FlowBatch>();
  for (const r of received) {
    const { header, batch } = decodeFlowBatch(r.body);
    out.set(header.seq, batch);
  }
  return out;
}

test('batches arrive in order, with the device, the credentials and the rows sent', async (t) => {
  const server = await scriptedServer(t, () => ({ status: 200 }));
  const s = sender(t, { url: `${server.url}/prefix`, token: 'tok-1' });
  const inputs = [randomFlowBatch(1, 300), randomFlowBatch(2, 0), randomFlowBatch(3, 120_001 % 5000)];
  for (const b of inputs) s.send(b);
  assert.equal(await s.flush(10_000), true);
  assert.equal(server.received.length, 2, 'an empty batch is not sent');
  for (const r of server.received) {
    assert.equal(r.url.pathname, '/prefix/api/v1/flows');
    assert.equal(r.url.searchParams.get('device'), 'web-1');
    assert.equal(r.headers.authorization, 'Bearer tok-1');
    assert.equal(r.headers['content-type'], 'application/vnd.flowlens.batch');
  }
  const got = decoded(server.received);
  assert.deepEqual([...got.keys()], [1, 2]);
  // i_start_time: the sender fills zeros with the minute of send(); the oracle does the same.
  for (const [i, input] of [inputs[0]!, inputs[2]!].entries()) {
    const batch = got.get(i + 1)!;
    const minute = batch.arrays[F.i_start_time]![0]! === 0 ? 0 : undefined;
    assert.equal(minute, undefined, 'every row has a start time');
    const times = input.arrays[F.i_start_time]!;
    for (let r = 0; r < input.length; r++) if (times[r] === 0) times[r] = batch.arrays[F.i_start_time]![r]!;
    assertSameRows(batch, input);
  }
  const st = s.stats();
  assert.equal(st.sentBatches, 2);
  assert.equal(st.sentRows, inputs[0]!.length + inputs[2]!.length);
  assert.equal(st.queuedBatches, 0);
});

test('a large batch goes as several requests of maxRowsPerRequest rows; user and password as Basic', async (t) => {
  const server = await scriptedServer(t, () => ({ status: 200 }));
  const s = sender(t, { url: server.url, user: 'noc', password: 'p:w', maxRowsPerRequest: 100 });
  const input = randomFlowBatch(4, 350);
  s.send(input);
  assert.equal(await s.flush(10_000), true);
  assert.deepEqual(
    server.received.map((r) => decodeFlowBatch(r.body).batch.length),
    [100, 100, 100, 50],
  );
  assert.equal(
    server.received[0]!.headers.authorization,
    `Basic ${Buffer.from('noc:p:w').toString('base64')}`,
  );
});

test('5xx, 429 and timeouts are retried in order; 4xx is dropped, counted, not retried', async (t) => {
  // Request 1: 503, 2: hangs (timeout), 3: 429, then seq 2 is refused with 400, the rest accepted.
  const server = await scriptedServer(t, (r, n) => {
    if (n === 1) return { status: 503, body: { error: { code: 'store_starting', message: 'wait' } } };
    if (n === 2) return 'hang';
    if (n === 3) return { status: 429, body: { error: { code: '53400', message: 'slow down' } } };
    if (decodeFlowBatch(r.body).header.seq === 2)
      return { status: 400, body: { error: { code: 'bad_row', message: 'no' } } };
    return { status: 200 };
  });
  const spool = tempDir(t);
  const s = sender(t, { url: server.url, spoolDir: spool, timeoutMs: 300 });
  for (let i = 1; i <= 4; i++) s.send(randomFlowBatch(10 + i, 50));
  assert.equal(await s.flush(20_000), true);
  const seqs = server.received.map((r) => decodeFlowBatch(r.body).header.seq);
  assert.deepEqual(seqs, [1, 1, 1, 1, 2, 3, 4], 'batch 1 four times, then each once, in order');
  const st = s.stats();
  assert.deepEqual(st.failures, { http_503: 1, timeout: 1, http_429: 1 });
  assert.equal(st.rejectedBatches, 1);
  assert.deepEqual(st.rejected, { bad_row: 1 });
  assert.equal(st.sentBatches, 3);
  assert.ok(st.spooledBatches >= 4, 'failing: every batch went to the spool');
  await s.close();
  assert.deepEqual(
    readdirSync(spool).filter((f) => f.endsWith('.flb')),
    [],
    'delivered files are removed',
  );
});

test('server down: the spool stays within maxSpoolBytes, drops the oldest, and a new sender delivers the rest in order', async (t) => {
  const port = await freeTcpPort();
  const spool = tempDir(t);
  const bodies = randomFlowBatch(20, 200);
  const s = createFlowSender(
    { url: `http://127.0.0.1:${port}`, device: 'web-1', spoolDir: spool, maxSpoolBytes: 40_000, ...fast },
    { log: () => {} },
  );
  const sizes: number[] = [];
  for (let i = 0; i < 30; i++) {
    s.send(bodies);
    await waitFor(() => s.stats().memoryBytes === 0 || s.stats().queuedBatches === 0, 'the batch spooled');
    const st = s.stats();
    sizes.push(st.spoolBytes);
    assert.ok(st.spoolBytes <= 40_000, `spool ${st.spoolBytes} bytes`);
  }
  await s.close();
  const st = s.stats();
  assert.ok(st.failures.connect! >= 1, JSON.stringify(st.failures));
  assert.ok(st.droppedBatches > 0 && st.droppedBatches < 30, `${st.droppedBatches} dropped`);
  const files = readdirSync(spool).filter((f) => f.endsWith('.flb'));
  assert.equal(files.length, 30 - st.droppedBatches);
  const onDisk = files.reduce((n, f) => n + readFileSync(join(spool, f)).length, 0);
  assert.ok(onDisk <= 40_000);

  const server = await scriptedServer(t, () => ({ status: 200 }));
  const again = sender(t, { url: server.url, spoolDir: spool });
  assert.equal(await again.flush(20_000), true);
  const seqs = server.received.map((r) => decodeFlowBatch(r.body).header.seq);
  // The survivors are the newest, in order: a full spool drops its oldest file, except the one
  // being sent at that moment (the head, which may survive ahead of the newest).
  const n = 30 - st.droppedBatches;
  assert.equal(seqs.length, n);
  assert.deepEqual(
    seqs.slice(1),
    Array.from({ length: n - 1 }, (_, i) => 30 - n + 2 + i),
  );
  assert.ok(seqs[0]! <= 30 - n + 1);
  for (const r of server.received) assert.equal(decodeFlowBatch(r.body).header.session, s.session);
  await again.close();
  assert.deepEqual(
    readdirSync(spool).filter((f) => f.endsWith('.flb')),
    [],
  );
});

test('without a spool directory the memory queue is bounded the same way; close drops what is left', async () => {
  const port = await freeTcpPort();
  const s = createFlowSender(
    { url: `http://127.0.0.1:${port}`, device: 'web-1', maxSpoolBytes: 30_000, ...fast },
    { log: () => {} },
  );
  for (let i = 0; i < 20; i++) {
    s.send(randomFlowBatch(30, 200));
    assert.ok(s.stats().memoryBytes <= 30_000);
  }
  assert.ok(s.stats().droppedBatches > 0);
  await s.close();
  const st = s.stats();
  assert.equal(st.droppedBatches, 20, 'all lost: nothing was delivered and there is no spool');
  assert.equal(st.queuedBatches, 0);
});

test('one sender per spool directory', async (t) => {
  const spool = tempDir(t);
  const server = await scriptedServer(t, () => ({ status: 200 }));
  const a = sender(t, { url: server.url, spoolDir: spool });
  await a.start();
  const b = sender(t, { url: server.url, spoolDir: spool });
  await assert.rejects(b.start(), /in use by process/);
  await a.close();
  const c = sender(t, { url: server.url, spoolDir: spool });
  await c.start();
});

test('https with a private CA; without it the certificate is refused and retried', async (t) => {
  const dir = tempDir(t);
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
      .concat(['-keyout', `${dir}/key.pem`, '-out', `${dir}/cert.pem`, '-days', '1'])
      .concat(['-subj', '/CN=flowlens-test', '-addext', 'subjectAltName=IP:127.0.0.1']),
    { stdio: 'ignore', timeout: 30_000 },
  );
  const cert = readFileSync(`${dir}/cert.pem`);
  const server = await scriptedServer(t, () => ({ status: 200 }), {
    key: readFileSync(`${dir}/key.pem`),
    cert,
  });
  const untrusting = sender(t, { url: server.url });
  untrusting.send(randomFlowBatch(40, 10));
  assert.equal(await untrusting.flush(300), false);
  assert.ok((untrusting.stats().failures.tls ?? 0) >= 1, JSON.stringify(untrusting.stats().failures));
  assert.equal(server.received.length, 0);
  const trusting = sender(t, { url: server.url, ca: cert });
  trusting.send(randomFlowBatch(40, 10));
  assert.equal(await trusting.flush(10_000), true);
  assert.equal(server.received.length, 1);
});
