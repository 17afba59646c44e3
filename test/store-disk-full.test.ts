import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { logRecords } from './helpers/server-log.js';
import {
  authHeader,
  getStatus,
  postFlows,
  readStoreColumns,
  type ServerProcess,
  startServer,
} from './helpers/server-process.js';

/**
 * Disk full: the server's data directory is a small tmpfs. Ingest fills it until appends fail;
 * the client gets 507 store_disk_full (counted in the status, logged at a limited rate), the flows
 * stored before stay readable and intact, and once space is freed ingest resumes by itself.
 */

const MINUTE = 60_000;
let nextSeq = 1;

/** `rows` flows with unique in_bytes; `minute` set, or left to the server (minute of receipt). */
function flows(rows: number, minute?: number): { lines: string[]; seqs: number[] } {
  const lines: string[] = [];
  const seqs: number[] = [];
  for (let i = 0; i < rows; i++) {
    const seq = nextSeq++;
    lines.push(JSON.stringify(flowObject(seq, minute)));
    seqs.push(seq);
  }
  return { lines, seqs };
}

function flowObject(seq: number, minute?: number): Record<string, unknown> {
  return {
    ...(minute === undefined ? {} : { i_start_time: new Date(minute).toISOString() }),
    i_device_id: 1 + (seq % 4),
    i_device_name: `edge-${1 + (seq % 4)}`,
    src_addr: `10.${(seq >> 16) & 255}.${(seq >> 8) & 255}.${seq & 255}`,
    dst_addr: `2001:db8::1:${(seq & 0xffff).toString(16)}`,
    l4_src_port: seq & 0xffff,
    protocol: 17,
    in_bytes: seq,
    in_pkts: 1 + (seq % 7),
  };
}

const compared = [
  'i_device_id',
  'i_device_name',
  'src_addr',
  'dst_addr',
  'l4_src_port',
  'protocol',
  'in_pkts',
];

/** Every acknowledged flow exactly once, each field as sent; nothing never sent. */
function checkFlows(rows: Record<string, unknown>[], acked: Set<number>, what: string): void {
  const seen = new Map<number, number>();
  for (const row of rows) {
    const seq = row.in_bytes as number;
    const sent = flowObject(seq);
    for (const key of compared) assert.equal(row[key], sent[key], `${what}: flow ${seq} ${key} intact`);
    seen.set(seq, (seen.get(seq) ?? 0) + 1);
  }
  assert.deepEqual(
    [...seen].filter(([, n]) => n > 1),
    [],
    `${what}: no flow twice`,
  );
  const missing = [...acked].filter((seq) => !seen.has(seq));
  assert.deepEqual(missing.slice(0, 5), [], `${what}: ${missing.length} acknowledged flows missing`);
}

async function exported(url: string): Promise<Record<string, unknown>[]> {
  const res = await fetch(`${url}/api/v1/flows?tenant=acme`, {
    headers: { authorization: authHeader('acme') },
  });
  assert.equal(res.status, 200);
  const text = await res.text();
  return text === ''
    ? []
    : text
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
}

test('disk full: 507 store_disk_full, counted and rate-limited; stored flows stay readable; ingest resumes', async (t) => {
  assert.equal(process.getuid?.(), 0, 'this test mounts a tmpfs: run the suite as root (CI does)');
  const mount = mkdtempSync(join(tmpdir(), 'flowlens-diskfull-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mount]);
  let server: ServerProcess | undefined;
  t.after(async () => {
    server?.child.kill('SIGKILL');
    await server?.exited;
    // Lazy: the in-process store's reader cache may still hold segment files open.
    execFileSync('umount', ['-l', mount]);
    rmdirSync(mount);
  });
  const filler = join(mount, 'filler');
  writeFileSync(filler, Buffer.alloc(4 << 20, 1));
  const data = join(mount, 'data');
  mkdirSync(data);

  server = await startServer(data);
  await server.ready();
  const acked = new Set<number>();

  // Flows of a minute past its grace period: sealed into a segment before the disk fills.
  const old = Date.now() - (Date.now() % MINUTE) - 5 * MINUTE;
  const first = flows(500, old);
  assert.equal((await postFlows(server.url, 'acme', first.lines)).status, 200);
  for (const seq of first.seqs) acked.add(seq);
  const deadline = Date.now() + 20_000;
  while ((await getStatus(server.url)).store.write.segments === 0) {
    assert.ok(Date.now() < deadline, 'the old minute is sealed');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }

  // Fill the disk with flows of the current minute (they stay in the WAL: 90 s grace).
  let full: { status: number; body: { error: { code: string; message: string } } } | undefined;
  for (let i = 0; i < 400 && full === undefined; i++) {
    const batch = flows(2000);
    const res = await postFlows(server.url, 'acme', batch.lines);
    if (res.status === 200) for (const seq of batch.seqs) acked.add(seq);
    else full = res;
  }
  assert.ok(full !== undefined, 'the disk filled up');
  assert.equal(full.status, 507);
  assert.equal(full.body.error.code, 'store_disk_full');
  assert.match(full.body.error.message, /free space/);

  // More refused requests: each answered 507, counted, but logged at a limited rate.
  const refused = 50;
  for (let i = 0; i < refused; i++) {
    const res = await postFlows(server.url, 'acme', flows(2000).lines);
    assert.equal(res.status, 507);
  }
  const status = await getStatus(server.url);
  assert.ok(status.ingest.errors.store_disk_full >= refused + 1, JSON.stringify(status.ingest));
  assert.ok(status.store.write.diskFull >= refused + 1, JSON.stringify(status.store.write));
  const logged = logRecords(server.stderr()).filter((r) => r.reason === 'store_disk_full');
  assert.ok(logged.length >= 1 && logged.length <= 3, `bounded log lines:\n${server.stderr()}`);

  // What was stored before stays readable and intact while the disk is full.
  checkFlows(await exported(server.url), acked, 'disk full');

  // Free space: ingest resumes by itself.
  rmSync(filler);
  let resumed = false;
  for (let i = 0; i < 100 && !resumed; i++) {
    const batch = flows(200);
    const res = await postFlows(server.url, 'acme', batch.lines);
    if (res.status === 200) {
      resumed = true;
      for (const seq of batch.seqs) acked.add(seq);
    } else await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert.ok(resumed, 'ingest resumed after space was freed');
  const after = flows(300);
  assert.equal((await postFlows(server.url, 'acme', after.lines)).status, 200);
  for (const seq of after.seqs) acked.add(seq);
  checkFlows(await exported(server.url), acked, 'after freeing space');

  assert.equal(await server.stop(), 0, server.stderr());
  const stored: number[] = [];
  for (const job of await readStoreColumns(data, 'acme', ['in_bytes']))
    for (let row = 0; row < job.rows; row++) stored.push(job.columns.in_bytes![row]!);
  const unique = new Set(stored);
  assert.equal(unique.size, stored.length, 'no flow twice after the restart');
  const lost = [...acked].filter((seq) => !unique.has(seq));
  assert.deepEqual(lost.slice(0, 5), [], `${lost.length} acknowledged flows missing after a clean stop`);
  t.diagnostic(
    `${acked.size} flows acknowledged, ${logged.length} disk-full log lines for ${refused + 1} refusals`,
  );
});
