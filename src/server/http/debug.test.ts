import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { freeTcpPort } from '../../../test/helpers/peers.js';
import { clearFailPoints, failPoint, failPointAsync } from '../../metrics/failpoint.js';
import type { HealthReport, HealthStatus } from '../../metrics/health.js';
import { type CpuProfile, Profiler } from '../../metrics/profiler.js';
import { Users } from '../auth/users.js';
import { createHttpServer } from '../http.js';
import { debugMount } from './debug.js';
import { healthzMount } from './healthz.js';

/**
 * The operations endpoints through a real HTTP server in this process: /healthz, the profiles
 * (of this very process) and the fail point admin API. Tests run on loopback, so a request is
 * made to look proxied (X-Forwarded-For) to exercise the credential checks.
 */

const users = new Users([
  { name: 'ops', password: 'ops-pw', tenant: 'default', admin: true },
  { name: 'noc', password: 'noc-pw', tenant: 'acme' },
]);
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

let status: HealthStatus = 'GOOD';
const report = (): HealthReport =>
  ({
    status,
    checkedAt: new Date().toISOString(),
    process: { name: 'flowlens test' },
    components: [{ name: 'store', status, reasons: [], values: {} }],
  }) as unknown as HealthReport;

const profiler = new Profiler();
const logged: string[] = [];

async function start(t: import('node:test').TestContext): Promise<string> {
  const port = await freeTcpPort();
  const http = createHttpServer(
    {
      routes: [],
      log: () => {},
      mounts: [
        healthzMount(report),
        debugMount({ users, profiler, processName: 'flowlens-test', log: (l) => logged.push(l) }),
      ],
    },
    { port, listen: '127.0.0.1' },
  );
  await http.start();
  t.after(() => http.stop(100));
  return `http://127.0.0.1:${port}`;
}

afterEach(() => clearFailPoints());

test('/healthz: 200 unless a component is BAD, then 503; GET only', async (t) => {
  const url = await start(t);
  for (const [s, code] of [
    ['GOOD', 200],
    ['WARN', 200],
    ['BAD', 503],
  ] as const) {
    status = s;
    const res = await fetch(`${url}/healthz`);
    assert.equal(res.status, code, s);
    assert.equal(((await res.json()) as HealthReport).status, s);
  }
  status = 'GOOD';
  assert.equal((await fetch(`${url}/healthz`, { method: 'POST' })).status, 405);
  assert.equal((await fetch(`${url}/healthzz`)).status, 404);
  assert.equal((await fetch(`${url}/healthz/x`)).status, 404);
});

test('fail points: PUT sets, GET lists, DELETE turns off; bad actions are a 400 that says why', async (t) => {
  const url = await start(t);
  const put = (name: string, body: string) =>
    fetch(`${url}/debug/failpoints/${name}`, { method: 'PUT', body });
  let res = await put('test.api.point', '2*return(EIO)->off');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), {
    name: 'test.api.point',
    actions: '2*return(EIO)->off',
    previous: 'off',
  });
  assert.equal(failPoint('test.api.point'), 'EIO', 'set in this process');
  res = await fetch(`${url}/debug/failpoints`);
  assert.deepEqual(await res.json(), {
    failpoints: [{ name: 'test.api.point', actions: '1*return(EIO)->off', hits: 1, paused: 0 }],
  });
  res = await put('test.api.point', '150%return');
  assert.equal(res.status, 400);
  const error = ((await res.json()) as { error: { code: string; message: string } }).error;
  assert.equal(error.code, 'bad_fail_point');
  assert.match(error.message, /probability 150% is over 100%/);
  assert.equal((await put('test.api.point', '')).status, 400, 'an empty body is not a silent off');
  assert.equal((await put('bad%20name', 'return')).status, 400);
  assert.equal((await put('bad%E0%A4%A', 'return')).status, 400, 'broken percent-encoding');
  res = await fetch(`${url}/debug/failpoints/test.api.point`, { method: 'DELETE' });
  assert.deepEqual(await res.json(), { name: 'test.api.point', removed: true });
  assert.equal(failPoint('test.api.point'), undefined);
  assert.equal((await fetch(`${url}/debug/failpoints/test.api.point`)).status, 404);
  assert.equal((await fetch(`${url}/debug/failpoints`, { method: 'POST' })).status, 405);
  assert.ok(
    logged.some((l) => /fail point test\.api\.point set to 2\*return\(EIO\)->off by loopback/.test(l)),
  );
});

test('pause: a caller waits until the admin API turns the point off', async (t) => {
  const url = await start(t);
  await fetch(`${url}/debug/failpoints/test.api.pause`, { method: 'PUT', body: 'pause' });
  let resumed = false;
  const caller = failPointAsync('test.api.pause').then(() => {
    resumed = true;
  });
  const listed = (await (await fetch(`${url}/debug/failpoints/test.api.pause`)).json()) as { paused: number };
  assert.equal(listed.paused, 1);
  assert.equal(resumed, false);
  await fetch(`${url}/debug/failpoints/test.api.pause`, { method: 'DELETE' });
  await caller;
  assert.equal(resumed, true);
});

/** Work that the CPU profile must show: a named function that spins for a few ms at a time. */
function burnCpuForProfile(): void {
  const end = performance.now() + 5;
  while (performance.now() < end) {}
}

test('CPU profile: a .cpuprofile of this process; one at a time (409)', async (t) => {
  const url = await start(t);
  const burner = setInterval(burnCpuForProfile, 10);
  t.after(() => clearInterval(burner));
  const first = fetch(`${url}/debug/pprof/profile?seconds=1`);
  while (profiler.busy === undefined) await new Promise((resolve) => setImmediate(resolve));
  const second = await fetch(`${url}/debug/pprof/profile?seconds=1`);
  assert.equal(second.status, 409);
  assert.equal(((await second.json()) as { error: { code: string } }).error.code, 'profile_in_progress');
  assert.equal((await fetch(`${url}/debug/pprof/heap`)).status, 409);
  const res = await first;
  clearInterval(burner);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition')!, /filename="flowlens-test-\d+-[\dTZ-]+\.cpuprofile"/);
  const profile = (await res.json()) as CpuProfile;
  const ids = new Set(profile.nodes.map((n) => n.id));
  assert.ok(profile.samples.length > 0);
  assert.equal(profile.samples.length, profile.timeDeltas.length, 'one time delta per sample');
  assert.ok(
    profile.samples.every((id) => ids.has(id)),
    'every sample names a node',
  );
  assert.ok(profile.endTime > profile.startTime);
  for (const node of profile.nodes) for (const child of node.children ?? []) assert.ok(ids.has(child));
  const burn = profile.nodes.filter((n) => n.callFrame.functionName === 'burnCpuForProfile').map((n) => n.id);
  assert.ok(burn.length > 0, 'the function that burned CPU is in the profile');
  assert.ok(
    profile.samples.some((id) => burn.includes(id)),
    'and was sampled',
  );
});

test('CPU profile: seconds must be 1-60; a client that goes away ends the profile early', async (t) => {
  const url = await start(t);
  for (const bad of ['0', '61', 'abc', '1.5'])
    assert.equal((await fetch(`${url}/debug/pprof/profile?seconds=${bad}`)).status, 400, bad);
  const abort = new AbortController();
  const gone = fetch(`${url}/debug/pprof/profile?seconds=60`, { signal: abort.signal }).catch(
    () => 'aborted',
  );
  while (profiler.busy === undefined) await new Promise((resolve) => setImmediate(resolve));
  abort.abort();
  assert.equal(await gone, 'aborted');
  // The profiler is released without waiting out the 60 s.
  while (profiler.busy !== undefined) await new Promise((resolve) => setTimeout(resolve, 5));
});

class FlowlensHeapMarker {
  readonly tag = 'kept alive for the snapshot';
}
const marker = new FlowlensHeapMarker();

test('heap snapshot: a .heapsnapshot whose header and node table agree, with our objects in it', async (t) => {
  const url = await start(t);
  const res = await fetch(`${url}/debug/pprof/heap`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-disposition')!, /\.heapsnapshot"$/);
  const snapshot = (await res.json()) as {
    snapshot: { meta: { node_fields: string[] }; node_count: number; edge_count: number };
    nodes: number[];
    edges: number[];
    strings: string[];
  };
  const meta = snapshot.snapshot.meta;
  assert.ok(meta.node_fields.includes('name') && meta.node_fields.includes('self_size'));
  assert.ok(snapshot.snapshot.node_count > 0);
  assert.equal(snapshot.nodes.length, snapshot.snapshot.node_count * meta.node_fields.length);
  assert.ok(snapshot.strings.includes('FlowlensHeapMarker'), `${marker.tag}: our class is in the heap`);
});

test('from behind a proxy (not loopback): 401 without credentials, 403 for a non-admin, 200 for an admin', async (t) => {
  const url = await start(t);
  const get = (authorization?: string) =>
    fetch(`${url}/debug/failpoints`, {
      headers: { 'x-forwarded-for': '198.51.100.9', ...(authorization ? { authorization } : {}) },
    });
  assert.equal((await get()).status, 401);
  assert.equal((await get(basic('noc', 'noc-pw'))).status, 403);
  assert.equal((await get(basic('ops', 'ops-pw'))).status, 200);
  // The credentials are checked before anything else: an unknown path is a 401, not a 404.
  assert.equal((await fetch(`${url}/debug/nothing`, { headers: { forwarded: 'for=x' } })).status, 401);
  assert.equal((await fetch(`${url}/debug/nothing`)).status, 404);
});
