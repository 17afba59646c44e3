import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { type TestContext, test } from 'node:test';
import { encodeFlowBatch, newSessionId } from '../src/agent/export/batch-encode.js';
import { MEDIA_TYPE } from '../src/agent/export/batch-format.js';
import { createFlowSender } from '../src/agent/export/sender.js';
import { formatAddr, formatMac } from '../src/flow/addr.js';
import { F, type FlowBatch } from '../src/flow/batch.js';
import { flowColumns } from '../src/flow/schema.js';
import { randomFlowBatch } from './helpers/flow-batches.js';
import { tempDir, waitFor } from './helpers/peers.js';
import { authHeader, getStatus, type ServerProcess, startServer } from './helpers/server-process.js';

/**
 * The sender library against a real `flowlens server`: batches go in over HTTP, come back out of
 * POST /api/v1/query cell for cell; while the server is stopped they wait in the bounded spool,
 * and after it restarts on the same port each surviving batch is stored exactly once. Bad batch
 * bodies are refused with their codes and store nothing; a retried batch is stored once, also
 * across a clean restart.
 */

const ROWS = 200;
const fast = { minBackoffMs: 20, maxBackoffMs: 200 };
const MINUTE = 60_000;

/** Batch i: random cells in every column, rows keyed by (input_port = i, output_port = row). */
function agentBatch(i: number): FlowBatch {
  const b = randomFlowBatch(1000 + i, ROWS);
  for (let r = 0; r < ROWS; r++) {
    b.arrays[F.input_port]![r] = i;
    b.arrays[F.output_port]![r] = r;
    b.arrays[F.i_start_time]![r] = 0;
  }
  b.touchAll([F.input_port, F.output_port]);
  return b;
}

type Cell = string | number | boolean | null;

/** What POST /api/v1/query answers for a cell of a stored row of `b` (the server stamps the device). */
function expectedCell(b: FlowBatch, c: number, r: number, device: { id: number; minute: number }): Cell {
  const col = flowColumns[c]!;
  if (col.name === 'i_device_id') return device.id;
  if (col.name === 'i_device_name') return 'web-1';
  if (col.name === 'i_start_time') return new Date(device.minute).toISOString();
  const v = b.arrays[c]!;
  switch (col.type) {
    case 'string':
      return b.dicts[c]!.values[v[r]!]!;
    case 'addr':
      return formatAddr(v as Uint8Array, r * 16);
    case 'mac':
      return formatMac(v[r]!);
    case 'time':
      return new Date(v[r]!).toISOString();
    default:
      return col.name === 'sample_rate' && v[r] === 0 ? 1 : v[r]!;
  }
}

async function query(url: string, sql: string): Promise<{ fields: { name: string }[]; rows: Cell[][] }> {
  const res = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: authHeader('acme') },
    body: JSON.stringify({ sql }),
  });
  const body = (await res.json()) as { fields: { name: string }[]; rows: Cell[][] };
  assert.equal(res.status, 200, JSON.stringify(body));
  return body;
}

/** Every stored row of tenant acme equals the row sent, batch by batch, and no other row exists. */
async function assertStored(url: string, batches: Map<number, FlowBatch>, minute: number): Promise<void> {
  const result = await query(url, 'SELECT * FROM all_devices ORDER BY input_port, output_port');
  assert.deepEqual(
    result.fields.map((f) => f.name),
    flowColumns.map((c) => c.name),
  );
  const devices = await query(url, 'SELECT id, name FROM devices');
  assert.equal(devices.rows.length, 1);
  const [id, name] = devices.rows[0]!;
  assert.equal(name, 'web-1');
  const keys = [...batches.keys()].sort((a, b) => a - b);
  assert.equal(result.rows.length, keys.length * ROWS, 'each batch exactly once');
  let i = 0;
  for (const key of keys) {
    const b = batches.get(key)!;
    for (let r = 0; r < ROWS; r++, i++) {
      const row = result.rows[i]!;
      for (let c = 0; c < flowColumns.length; c++) {
        const expected = expectedCell(b, c, r, { id: id as number, minute });
        if (row[c] !== expected)
          assert.fail(`batch ${key} row ${r} ${flowColumns[c]!.name}: ${row[c]} !== ${expected}`);
      }
    }
  }
}

/** The server again on the same data and port (ServerProcess.ready would ask the port it picked). */
async function restart(t: TestContext, data: string, url: string): Promise<ServerProcess> {
  const server = await startServer(data, { args: ['--http-port', new URL(url).port] });
  t.after(() => server.stop());
  const deadline = Date.now() + 60_000;
  for (let phase: unknown; phase !== 'ready'; ) {
    if (Date.now() > deadline)
      throw new Error(`the restarted server was not ready in 60 s:\n${server.stderr()}`);
    const exited = await Promise.race([server.exited, new Promise((resolve) => setTimeout(resolve, 50))]);
    if (exited !== undefined) throw new Error(`the server exited:\n${server.stderr()}`);
    phase = (await getStatus(url).catch(() => undefined))?.phase;
  }
  return server;
}

test('sender → real server: stored and queried back; spooled while it is down, bounded, delivered once after it restarts', async (t) => {
  const data = tempDir(t);
  const spool = tempDir(t);
  let server = await startServer(data);
  t.after(() => server.stop());
  await server.ready();
  const url = server.url;
  const minute = Date.now() - (Date.now() % MINUTE);
  const sizes = [1, 2, 3].map(
    (i) => encodeFlowBatch(agentBatch(i), { session: newSessionId(), seq: i }).length,
  );
  // Room for about twelve of the twenty batches sent while the server is down.
  const maxSpoolBytes = Math.floor(12.5 * Math.max(...sizes));
  const sender = createFlowSender(
    {
      url,
      device: 'web-1',
      user: 'acme',
      password: 'acme-password',
      spoolDir: spool,
      maxSpoolBytes,
      ...fast,
    },
    { log: () => {}, now: () => minute },
  );
  t.after(() => sender.close());

  const sent = new Map<number, FlowBatch>();
  for (let i = 1; i <= 5; i++) {
    sent.set(i, agentBatch(i));
    sender.send(sent.get(i)!);
  }
  assert.equal(await sender.flush(30_000), true);
  await assertStored(url, sent, minute);

  assert.equal(await server.stop(), 0);
  for (let i = 6; i <= 25; i++) {
    sent.set(i, agentBatch(i));
    sender.send(sent.get(i)!);
    await waitFor(() => sender.stats().memoryBytes === 0 && sender.stats().failing, `batch ${i} spooled`);
    assert.ok(sender.stats().spoolBytes <= maxSpoolBytes);
  }
  const down = sender.stats();
  assert.ok(down.failures.connect! > 0, JSON.stringify(down.failures));
  assert.ok(down.droppedBatches >= 5 && down.droppedBatches <= 10, `${down.droppedBatches} dropped`);
  const files = readdirSync(spool).filter((f) => f.endsWith('.flb'));
  assert.equal(files.length, 20 - down.droppedBatches, 'the spool holds the rest');

  server = await restart(t, data, url);
  assert.equal(await sender.flush(60_000), true);
  const st = sender.stats();
  assert.equal(st.droppedBatches, down.droppedBatches, 'nothing lost after the restart');
  assert.equal(st.sentBatches, 25 - down.droppedBatches);
  // The dropped batches: the oldest spooled ones (the one being retried at that moment excepted).
  const stored = (
    await query(url, 'SELECT input_port FROM all_devices GROUP BY input_port ORDER BY 1')
  ).rows.map((r) => r[0] as number);
  const survivors = stored.filter((i) => i > 5);
  assert.equal(survivors.length, 20 - down.droppedBatches);
  assert.deepEqual(
    survivors.slice(1),
    Array.from({ length: survivors.length - 1 }, (_, k) => 25 - survivors.length + 2 + k),
  );
  for (const i of sent.keys()) if (i > 5 && !survivors.includes(i)) sent.delete(i);
  await assertStored(url, sent, minute);
  await sender.close();
  assert.deepEqual(readdirSync(spool), [], 'spool emptied, lock released');
});

async function post(url: string, body: Uint8Array, query = '?device=web-1', type = MEDIA_TYPE) {
  const res = await fetch(`${url}/api/v1/flows${query}`, {
    method: 'POST',
    headers: { 'content-type': type, authorization: authHeader('acme') },
    body,
  });
  // biome-ignore lint/suspicious/noExplicitAny: JSON answer, checked field by field
  return { status: res.status, body: (await res.json()) as any };
}

test('bad batches are refused with stable codes and store nothing; a retried batch is stored once, across a restart too', async (t) => {
  const data = tempDir(t);
  let server = await startServer(data);
  t.after(() => server.stop());
  await server.ready();
  const url = server.url;
  const minute = Date.now() - (Date.now() % MINUTE);
  const input = agentBatch(1);
  const session = newSessionId();
  const good = encodeFlowBatch(input, { session, seq: 1, startTime: minute });
  const flipped = Buffer.from(good);
  flipped[flipped.length - 3]! ^= 0x10;
  const damagedHeader = Buffer.from(good);
  damagedHeader[33]! ^= 0x01;
  const refused: [string, number, string, ReturnType<typeof post>][] = [
    ['truncated', 400, 'batch_truncated', post(url, good.subarray(0, good.length - 10))],
    ['header only', 400, 'batch_truncated', post(url, good.subarray(0, 20))],
    ['payload bit flip', 400, '', post(url, flipped)],
    ['row count changed', 400, 'batch_checksum', post(url, damagedHeader)],
    ['not a batch', 400, 'batch_bad_magic', post(url, Buffer.from('{"src_addr":"192.0.2.1"}\n'))],
    ['no device', 400, 'missing_device', post(url, good, '')],
    ['bad device name', 400, 'bad_device', post(url, good, '?device=no%20spaces')],
    ['batch sent as JSON lines', 400, 'bad_row', post(url, good, '?device=web-1', 'application/x-ndjson')],
  ];
  for (const [what, status, code, answer] of refused) {
    const { status: got, body } = await answer;
    assert.equal(got, status, `${what}: ${JSON.stringify(body)}`);
    if (code !== '') assert.equal(body.error.code, code, what);
    else
      assert.ok(['batch_checksum', 'batch_decompress', 'batch_bad_length'].includes(body.error.code), what);
    assert.match(body.error.message, /.+/);
  }
  assert.equal((await query(url, 'SELECT count(*) FROM all_devices')).rows[0]![0], 0, 'nothing stored');

  const first = await post(url, good);
  assert.equal(first.status, 200);
  assert.equal(first.body.rows, ROWS);
  assert.equal(first.body.duplicate, false);
  assert.equal(first.body.device.name, 'web-1');
  // The answer was "lost": the sender sends the same body again.
  assert.deepEqual((await post(url, good)).body, { ...first.body, duplicate: true });
  assert.equal(await server.stop(), 0);
  server = await restart(t, data, url);
  assert.equal((await post(url, good)).body.duplicate, true, 'recognized after a clean restart');
  const second = agentBatch(2);
  assert.equal(
    (await post(url, encodeFlowBatch(second, { session, seq: 2, startTime: minute }))).body.duplicate,
    false,
  );
  const status = (await (await fetch(`${url}/api/v1/status`)).json()) as { ingest: { duplicates: number } };
  assert.equal(status.ingest.duplicates, 1, 'the retry after the restart');
  await assertStored(
    url,
    new Map([
      [1, input],
      [2, second],
    ]),
    minute,
  );
  const devices = await query(url, 'SELECT id FROM devices');
  assert.equal(devices.rows[0]![0], first.body.device.id, 'the agent kept its device id across the restart');

  // JSON lines may name their device too: the rows become that agent's, like a batch's.
  const line = Buffer.from('{"l4_src_port":4242,"i_device_id":999,"i_device_name":"spoofed"}\n');
  const json = await post(url, line, '?device=web-2', 'application/x-ndjson');
  assert.equal(json.status, 200);
  assert.equal(json.body.device.name, 'web-2');
  assert.notEqual(json.body.device.id, first.body.device.id);
  const row = await query(url, 'SELECT i_device_id, i_device_name FROM all_devices WHERE l4_src_port = 4242');
  assert.deepEqual(row.rows, [[json.body.device.id, 'web-2']]);
});
