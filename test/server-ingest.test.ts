import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { flowColumns } from '../src/flow/schema.js';
import { jobColumnsToBatch } from '../src/store/compact/to-batch.js';
import { flowFixture } from './helpers/paths.js';
import { freeUdpPort, tempDir } from './helpers/peers.js';
import {
  authHeader,
  cli,
  getStatus,
  postFlows,
  readStoreColumns,
  startServer,
} from './helpers/server-process.js';

/**
 * POST /api/v1/flows end to end: what `flowlens decode` prints for a real capture goes in, and the
 * same rows come back out of the store; bad lines, gzip, size limits, and the error shapes.
 */

function decodeLines(): string[] {
  const run = spawnSync(process.execPath, [cli, 'decode', flowFixture('softflowd-nf9.pcap')], {
    encoding: 'utf8',
  });
  assert.equal(run.status, 0, run.stderr);
  const lines = run.stdout.trimEnd().split('\n');
  assert.ok(lines.length > 10, 'the capture has flows');
  return lines;
}

/** A tenant's stored rows as JSON lines (rowObject, as decode prints them), sorted. */
async function storedLines(data: string, tenant: string): Promise<string[]> {
  const out: string[] = [];
  for (const job of await readStoreColumns(data, tenant)) {
    const batch = jobColumnsToBatch(job, flowColumns);
    for (let row = 0; row < batch.length; row++) out.push(JSON.stringify(batch.rowObject(row)));
  }
  return out.sort();
}

async function exportedLines(url: string, tenant: string): Promise<string[]> {
  const res = await fetch(`${url}/api/v1/flows?tenant=${tenant}`, {
    headers: { authorization: authHeader(tenant) },
  });
  assert.equal(res.status, 200);
  const text = await res.text();
  return text === '' ? [] : text.trimEnd().split('\n').sort();
}

/** A request sent by hand: headers that promise a large body, then only the answer is read. */
function rawRequest(port: number, head: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk.toString();
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

test('decode output → POST /api/v1/flows → the store holds exactly those rows (plain and gzip)', async (t) => {
  const data = `${tempDir(t)}/data`;
  const server = await startServer(data, { args: ['--retention-days', '36500'] });
  t.after(() => server.child.kill('SIGKILL'));
  await server.ready();
  const lines = decodeLines();
  const expected = [...lines].sort();

  assert.deepEqual(await postFlows(server.url, 'default', lines), {
    status: 200,
    body: { rows: lines.length },
  });
  const gz = await postFlows(server.url, 'gz', lines, { gzip: true });
  assert.deepEqual(gz, { status: 200, body: { rows: lines.length } });
  assert.deepEqual(await exportedLines(server.url, 'default'), expected, 'read back while running');

  // A row without i_start_time gets the minute of receipt; device id and name are kept.
  const before = Date.now();
  const stamped = await postFlows(server.url, 'now', [
    '{"src_addr":"10.1.2.3","in_bytes":1,"i_device_id":77,"i_device_name":"agent-7"}',
  ]);
  assert.equal(stamped.status, 200);
  const [row] = (await exportedLines(server.url, 'now')).map((l) => JSON.parse(l));
  const minute = Date.parse(row.i_start_time);
  assert.equal(minute % 60_000, 0);
  assert.ok(minute >= before - (before % 60_000) && minute <= Date.now(), row.i_start_time);
  assert.equal(row.i_device_id, 77);
  assert.equal(row.i_device_name, 'agent-7');

  const status = await getStatus(server.url);
  assert.equal(status.phase, 'ready');
  assert.equal(status.ingest.rows, 2 * lines.length + 1);
  assert.equal(status.store.write.appendedRows, 2 * lines.length + 1);

  assert.equal(await server.stop(), 0, server.stderr());
  assert.deepEqual(await storedLines(data, 'default'), expected, 'the store holds the decoded rows');
  assert.deepEqual(await storedLines(data, 'gz'), expected, 'gzip bodies too');
});

test('bad requests: bad_row with its line and nothing stored, 413 over the limit, 404/405/415', async (t) => {
  const data = `${tempDir(t)}/data`;
  const server = await startServer(data);
  t.after(() => server.child.kill('SIGKILL'));
  await server.ready();
  const good = '{"src_addr":"192.0.2.1","in_bytes":10}';

  const notJson = await postFlows(server.url, 'bad', [good, '{"src_addr":', good]);
  assert.equal(notJson.status, 400);
  assert.equal(notJson.body.error.code, 'bad_row');
  assert.equal(notJson.body.error.line, 2);
  assert.match(notJson.body.error.message, /line 2: not valid JSON/);

  const unknown = await postFlows(server.url, 'bad', [good, '', '{"no_such_column":1}']);
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.line, 3, 'lines are counted in the body, blank ones included');
  assert.match(unknown.body.error.message, /no_such_column: no such column/);

  for (const bad of ['[1,2]', '{"in_bytes":-1}', '{"src_addr":"300.1.1.1"}', '{"protocol":256}']) {
    const res = await postFlows(server.url, 'bad', [good, bad]);
    assert.equal(res.status, 400, bad);
    assert.equal(res.body.error.line, 2, bad);
  }
  assert.deepEqual(await exportedLines(server.url, 'bad'), [], 'nothing of a bad request is stored');

  const badTenant = await postFlows(server.url, '../etc', [good]);
  assert.equal(badTenant.status, 400);
  assert.equal(badTenant.body.error.code, 'bad_tenant');

  // Over the size limit (64 MiB), declared up front: refused before the body is read.
  const declared = await rawRequest(
    server.port,
    `POST /api/v1/flows?tenant=big HTTP/1.1\r\nHost: x\r\nAuthorization: ${authHeader('big')}\r\nContent-Length: 100000000\r\n\r\n`,
  );
  assert.match(declared, /^HTTP\/1\.1 413 /);
  assert.match(declared, /"code":"body_too_large"/);
  // A small gzip body that inflates past the limit.
  const bomb = gzipSync(Buffer.alloc(70 << 20, 0x0a));
  const inflated = await fetch(`${server.url}/api/v1/flows?tenant=big`, {
    method: 'POST',
    headers: { 'content-encoding': 'gzip', authorization: authHeader('big') },
    body: bomb,
  });
  assert.equal(inflated.status, 413);
  assert.equal(((await inflated.json()) as { error: { code: string } }).error.code, 'body_too_large');
  const brokenGzip = await fetch(`${server.url}/api/v1/flows`, {
    method: 'POST',
    headers: { 'content-encoding': 'gzip', authorization: authHeader() },
    body: 'not gzip',
  });
  assert.equal(brokenGzip.status, 400);

  const br = await fetch(`${server.url}/api/v1/flows`, {
    method: 'POST',
    headers: { 'content-encoding': 'br', authorization: authHeader() },
    body: good,
  });
  assert.equal(br.status, 415);
  assert.equal((await fetch(`${server.url}/api/v1/nothing`)).status, 404);
  const wrongMethod = await fetch(`${server.url}/api/v1/status`, { method: 'DELETE' });
  assert.equal(wrongMethod.status, 405);
  assert.equal(wrongMethod.headers.get('allow'), 'GET');

  const status = await getStatus(server.url);
  assert.equal(status.ingest.rows, 0);
  assert.equal(status.ingest.errors.bad_row, 6);
  assert.equal(status.ingest.errors.body_too_large, 2);
  assert.equal(await server.stop(), 0, server.stderr());
});

test('flows received over UDP go to the store, under their device tenant', async (t) => {
  const data = `${tempDir(t)}/data`;
  const config = `${tempDir(t)}/flowlens.json`;
  writeFileSync(
    config,
    JSON.stringify({ devices: [{ address: '127.0.0.1', id: 9, name: 'lab', tenant: 'acme' }] }),
  );
  const netflowPort = await freeUdpPort();
  const server = await startServer(data, {
    args: ['--config', config, '--listen', '127.0.0.1', '--netflow-port', String(netflowPort)],
  });
  t.after(() => server.child.kill('SIGKILL'));
  await server.ready();
  const sender = dgram.createSocket('udp4');
  t.after(() => sender.close());
  // A NetFlow v5 datagram with one flow: 192.0.2.1 → 198.51.100.1, 3 packets, 180 bytes.
  const buf = Buffer.alloc(24 + 48);
  buf.writeUInt16BE(5, 0);
  buf.writeUInt16BE(1, 2);
  buf.writeUInt32BE(0xc0000201, 24);
  buf.writeUInt32BE(0xc6336401, 28);
  buf.writeUInt32BE(3, 24 + 16);
  buf.writeUInt32BE(180, 24 + 20);
  buf[24 + 38] = 17;
  sender.send(buf, netflowPort, '127.0.0.1');
  const deadline = Date.now() + 10_000;
  while ((await getStatus(server.url)).storeSink.storedFlows < 1) {
    assert.ok(Date.now() < deadline, 'the flow was stored');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(server.stdout(), '', 'nothing printed without --print');
  assert.equal(await server.stop(), 0, server.stderr());
  const [row] = (await storedLines(data, 'acme')).map((line) => JSON.parse(line));
  assert.equal(row.src_addr, '192.0.2.1');
  assert.equal(row.in_bytes, 180);
  assert.equal(row.i_device_id, 9);
  assert.equal(row.i_device_name, 'lab');
});
