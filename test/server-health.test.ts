import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from './helpers/paths.js';
import { freeTcpPort, freeUdpPort, requirePeer, tempDir } from './helpers/peers.js';
import { logMessages } from './helpers/server-log.js';
import {
  authHeader,
  getStatus,
  postFlows,
  type ServerProcess,
  startServer,
} from './helpers/server-process.js';

/**
 * The health socket read by a real `nc` (netcat-openbsd) and GET /healthz, against a real
 * `flowlens server`: who it is, then each component with the numbers of what the test sent
 * (NetFlow v5 over UDP, JSON flows over HTTP, a query); the store made BAD by a fail point set
 * through the admin API (ENOSPC at fsync: the store's disk-full path) → 503; and back.
 */

interface Line {
  status: string;
  values: Record<string, string>;
  reasons: string[];
}

interface Parsed {
  name: string;
  header: Record<string, string>;
  components: Map<string, Line>;
}

/** `nc 127.0.0.1 PORT` with nothing on stdin: prints what the server sends until it closes. */
async function nc(port: number): Promise<string> {
  const child = spawn(requirePeer('nc'), ['127.0.0.1', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  assert.equal(code, 0, `nc exited with ${code}: ${err}`);
  return out;
}

function parse(text: string): Parsed {
  const lines = text.trimEnd().split('\n');
  const header: Record<string, string> = {};
  const components = new Map<string, Line>();
  let last: Line | undefined;
  for (const line of lines.slice(1)) {
    const field = /^([a-z]+):\s+(.*)$/.exec(line);
    if (field !== null) header[field[1]!] = field[2]!;
    else if (line.startsWith('  ! ')) last!.reasons.push(line.slice(4));
    else {
      const [name, status, ...pairs] = line.split(/\s+/);
      last = { status: status!, values: Object.fromEntries(pairs.map((p) => p.split('='))), reasons: [] };
      components.set(name!, last);
    }
  }
  return { name: lines[0]!, header, components };
}

/** NetFlow v5 with `records` UDP flows stamped now, so they land in the current (open) minute. */
function netflow5(records: number, sequence: number): Buffer {
  const buf = Buffer.alloc(24 + 48 * records);
  const uptime = 600_000;
  buf.writeUInt16BE(5, 0);
  buf.writeUInt16BE(records, 2);
  buf.writeUInt32BE(uptime, 4);
  buf.writeUInt32BE(Math.floor(Date.now() / 1000), 8);
  buf.writeUInt32BE(sequence, 16);
  for (let i = 0; i < records; i++) {
    const r = 24 + 48 * i;
    buf.writeUInt32BE(0x0a000001 + i, r);
    buf.writeUInt32BE(0xc6336401, r + 4);
    buf.writeUInt32BE(3, r + 16);
    buf.writeUInt32BE(180, r + 20);
    buf.writeUInt32BE(uptime - 1_000, r + 24);
    buf.writeUInt32BE(uptime, r + 28);
    buf.writeUInt16BE(40_000 + i, r + 32);
    buf.writeUInt16BE(53, r + 34);
    buf[r + 38] = 17;
  }
  return buf;
}

/** Every byte of the WAL files on disk (the oracle for wal_bytes). */
function walBytesOnDisk(data: string): number {
  let bytes = 0;
  const walk = (dir: string, inWal: boolean) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path, inWal || entry.name === 'wal');
      else if (inWal) bytes += statSync(path).size;
    }
  };
  walk(join(data, 'store'), false);
  return bytes;
}

async function until(what: string, server: ServerProcess, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${server.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const jsonFlow = (i: number) =>
  JSON.stringify({ i_device_id: 7, i_device_name: 'api', src_addr: `10.9.0.${i % 250}`, in_bytes: i + 1 });

test('health through nc and /healthz on a real server: real numbers, BAD on a failing disk, and back', async (t) => {
  requirePeer('nc');
  const data = join(tempDir(t), 'data');
  const healthPort = await freeTcpPort();
  const netflowPort = await freeUdpPort();
  const server = await startServer(data, {
    args: [
      '--listen',
      '127.0.0.1',
      '--netflow-port',
      String(netflowPort),
      '--health-port',
      String(healthPort),
    ],
  });
  t.after(() => server.stop());
  await server.ready();

  // Who it is, against what the system and git say.
  let health = parse(await nc(healthPort));
  assert.equal(health.name, 'flowlens server');
  assert.equal(health.header.pid, String(server.child.pid));
  const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
  assert.match(health.header.commit!, new RegExp(`^${head}(-dirty)? \\(built \\d{4}-\\d\\d-\\d\\dT`));
  assert.equal(health.header.node, process.version);
  const kernel = execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim();
  assert.match(health.header.os!, new RegExp(`^Linux ${kernel.replace(/[.+]/g, '\\$&')} `));
  assert.match(health.header.uptime!, /^\d+s, since /);
  assert.equal(health.header.status, 'GOOD');
  assert.deepEqual([...health.components.keys()], ['server', 'collector', 'store', 'query', 'failpoints']);
  assert.equal(health.components.get('collector')!.values.packets, '0');

  // Traffic: 40 NetFlow v5 packets of 25 flows, one packet that is not NetFlow, 300 JSON flows.
  const packets = 40;
  const perPacket = 25;
  const sender = dgram.createSocket('udp4');
  t.after(() => sender.close());
  for (let i = 0; i < packets; i++)
    await new Promise((resolve) =>
      sender.send(netflow5(perPacket, i * perPacket), netflowPort, '127.0.0.1', resolve),
    );
  await new Promise((resolve) => sender.send(Buffer.from([0, 99, 0, 0]), netflowPort, '127.0.0.1', resolve));
  const posted = await postFlows(
    server.url,
    'acme',
    Array.from({ length: 300 }, (_, i) => jsonFlow(i)),
  );
  assert.equal(posted.status, 200);
  await until('the collector to store every flow', server, async () => {
    const status = await getStatus(server.url);
    return status.storeSink.storedFlows === packets * perPacket;
  });
  const query = await fetch(`${server.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: authHeader('acme'), 'content-type': 'application/json' },
    body: JSON.stringify({ sql: 'SELECT count(*) AS n FROM all_devices' }),
  });
  assert.equal(query.status, 200);
  assert.deepEqual(((await query.json()) as { rows: unknown[][] }).rows, [[300]]);

  health = parse(await nc(healthPort));
  const collector = health.components.get('collector')!;
  // 1 decode error in 41 packets is over the 1% that makes the collector WARN.
  assert.equal(collector.status, 'WARN');
  assert.deepEqual(collector.reasons, ['1 decode errors for 41 packets in the last minute (see the log)']);
  assert.equal(collector.values.packets, String(packets + 1), 'every datagram sent, the bad one too');
  assert.equal(collector.values.decode_errors, '1');
  assert.equal(collector.values.decode_errors_last_min, '1');
  assert.equal(collector.values.devices, '1');
  assert.ok(Number(collector.values.packets_per_s) > 0);
  assert.ok(Number(collector.values.flows_per_s) > 0);
  const store = health.components.get('store')!;
  assert.equal(store.status, 'GOOD', store.reasons.join('; '));
  // Nothing is sealed yet (the minute's 90 s grace has not passed): every flow is in an open minute.
  assert.equal(store.values.open_minute_rows, String(packets * perPacket + 300));
  assert.equal(store.values.wal_bytes, String(walBytesOnDisk(data)));
  assert.ok(Number(store.values.wal_bytes) > 0);
  assert.equal(store.values.wal_files, '2', 'one WAL file per tenant: default (NetFlow) and acme (JSON)');
  assert.ok(Number(store.values.rows_per_s) > 0);
  const queries = health.components.get('query')!;
  assert.equal(queries.status, 'GOOD');
  assert.equal(queries.values.jobs_queued, '0');
  assert.ok(Number(queries.values.queries_per_s) > 0, 'the query ran within the last minute');

  let res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
  // biome-ignore lint/suspicious/noExplicitAny: the report is checked field by field
  let json: any = await res.json();
  assert.equal(json.status, 'WARN', 'the decode error: WARN is still 200');
  assert.equal(json.process.pid, server.child.pid);
  assert.equal(
    json.components.find((c: { name: string }) => c.name === 'store').values.open_minute_rows,
    1300,
  );

  // The disk "fills": every WAL fsync fails with ENOSPC, switched on through the admin API.
  res = await fetch(`${server.url}/debug/failpoints/store.wal.fsync`, {
    method: 'PUT',
    body: 'return(ENOSPC)',
  });
  assert.equal(res.status, 200);
  const refused = await postFlows(server.url, 'acme', [jsonFlow(1000)]);
  assert.equal(refused.status, 507);
  assert.equal(refused.body.error.code, 'store_disk_full');
  res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 503);
  json = await res.json();
  assert.equal(json.status, 'BAD');
  const bad = json.components.find((c: { name: string }) => c.name === 'store');
  assert.equal(bad.status, 'BAD');
  assert.match(
    bad.reasons[0],
    /^the last write failed \(1 disk full in the last minute\) and none has succeeded since$/,
  );
  health = parse(await nc(healthPort));
  assert.equal(health.header.status, 'BAD');
  assert.equal(health.components.get('store')!.status, 'BAD');
  assert.equal(health.components.get('failpoints')!.status, 'WARN');
  assert.deepEqual(health.components.get('failpoints')!.reasons, [
    'fault injection on: store.wal.fsync=return(ENOSPC) (1 hits)',
  ]);

  // Space is back: the next write succeeds and the store is no longer BAD.
  res = await fetch(`${server.url}/debug/failpoints/store.wal.fsync`, { method: 'DELETE' });
  assert.deepEqual(await res.json(), { name: 'store.wal.fsync', removed: true });
  assert.equal((await postFlows(server.url, 'acme', [jsonFlow(1001)])).status, 200);
  res = await fetch(`${server.url}/healthz`);
  assert.equal(res.status, 200);
  json = await res.json();
  assert.equal(json.status, 'WARN');
  const recovered = json.components.find((c: { name: string }) => c.name === 'store');
  assert.deepEqual(recovered.reasons, [
    'writes failed (1 disk full in the last minute), later ones succeeded',
  ]);
  assert.match(
    logMessages(server.stderr()),
    /fail point store\.wal\.fsync set to return\(ENOSPC\) by loopback/,
  );
  assert.equal(await server.stop(), 0);
});
