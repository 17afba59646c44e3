import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { freeTcpPort, freeUdpPort, tempDir } from './helpers/peers.js';
import { logMessages } from './helpers/server-log.js';
import { authHeader, cli, getStatus, startServer } from './helpers/server-process.js';

/**
 * `flowlens server --demo`: the simulated routers' flows arrive over the server's own NetFlow
 * port and are stored as four devices of the default tenant with current times; the start-up log
 * says how to connect.
 */

const seedQuery =
  "SELECT src_as, sum(in_pkts) as f_sum_in_pkts FROM all_devices WHERE i_start_time >= now() - interval'5 min' GROUP BY src_as ORDER BY f_sum_in_pkts DESC LIMIT 10";

/** Sum of in_pkts per src_as over every stored flow, from the raw export. */
async function sumsBySrcAs(url: string): Promise<Map<number, number>> {
  const res = await fetch(`${url}/api/v1/flows`, { headers: { authorization: authHeader() } });
  const sums = new Map<number, number>();
  for (const line of (await res.text()).split('\n')) {
    if (line === '') continue;
    const f = JSON.parse(line) as { src_as: number; in_pkts: number };
    sums.set(f.src_as, (sums.get(f.src_as) ?? 0) + f.in_pkts);
  }
  return sums;
}

test('flowlens server --demo stores flows of four routers, stamped now; the seed query answers', async (t) => {
  const data = `${tempDir(t)}/data`;
  const netflowPort = await freeUdpPort();
  const pgPort = await freeTcpPort();
  const server = await startServer(data, {
    args: [
      '--demo',
      '--listen',
      '127.0.0.1',
      '--netflow-port',
      String(netflowPort),
      '--pg-port',
      String(pgPort),
    ],
  });
  t.after(() => server.child.kill('SIGKILL'));
  await server.ready();
  const startedAt = Date.now();
  const addresses = ['127.0.0.11', '127.0.0.12', '127.0.0.13', '127.0.0.14'];
  // Polled: the demo sends continuously, so there is no last datagram to wait for.
  let status = await getStatus(server.url);
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; ) {
    if (status.storeSink.storedFlows > 1000 && status.collector.devices.length === 4) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
    status = await getStatus(server.url);
  }
  assert.deepEqual(status.collector.devices.map((d: { address: string }) => d.address).sort(), addresses);
  for (const router of status.demo) assert.equal(router.sendErrors, 0, router.address);
  assert.equal(status.collector.decode.error_template_missing ?? 0, 0, 'templates came first');

  const res = await fetch(`${server.url}/api/v1/flows?from=${startedAt - 120_000}`, {
    headers: { authorization: authHeader() },
  });
  assert.equal(res.status, 200);
  const flows = (await res.text())
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line));
  assert.ok(flows.length > 1000, `${flows.length} flows`);
  const devices = new Set(flows.map((f) => f.i_device_name));
  assert.deepEqual([...devices].sort(), addresses, 'auto-registered under their addresses');
  const minute = (ms: number) => ms - (ms % 60_000);
  for (const f of flows) {
    const at = Date.parse(f.i_start_time);
    assert.ok(at >= minute(startedAt) - 60_000 && at <= Date.now(), `i_start_time ${f.i_start_time} is now`);
  }
  assert.ok(
    flows.some((f) => f.sample_rate === 512) && flows.some((f) => f.sample_rate === 1),
    'per-router sampling rates',
  );
  // The seed query, verbatim, through REST and the CLI. The demo keeps sending, so the oracle
  // brackets it: every sum is at least what an export before the query holds and at most what one
  // after it holds (flows only accumulate; all are within the five minutes).
  const sumsBefore = await sumsBySrcAs(server.url);
  const seed = await fetch(`${server.url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: authHeader() },
    body: JSON.stringify({ sql: seedQuery }),
  });
  assert.equal(seed.status, 200);
  const answer = (await seed.json()) as { fields: { type: string }[]; rows: [number, number][] };
  const sumsAfter = await sumsBySrcAs(server.url);
  assert.deepEqual(
    answer.fields.map((f) => f.type),
    ['int8', 'numeric'],
  );
  assert.equal(answer.rows.length, 10);
  for (const [i, [asn, sum]] of answer.rows.entries()) {
    assert.ok((sumsBefore.get(asn) ?? 0) <= sum && sum <= (sumsAfter.get(asn) ?? 0), `AS ${asn}: ${sum}`);
    if (i > 0) assert.ok(answer.rows[i - 1]![1] >= sum, 'descending');
  }
  const topBefore = [...sumsBefore.values()].sort((a, b) => b - a);
  assert.ok(answer.rows[9]![1] >= topBefore[9]!, 'no AS left out is bigger than the tenth');
  const query = spawnSync(process.execPath, [cli, 'query', '--server', server.url, seedQuery], {
    encoding: 'utf8',
  });
  assert.equal(query.status, 0, query.stderr);
  assert.match(query.stdout, /\(10 rows\)/);

  assert.match(
    logMessages(server.stderr()),
    new RegExp(`psql: psql -h 127\\.0\\.0\\.1 -p ${pgPort} -U flowlens flowlens`),
  );
  assert.match(logMessages(server.stderr()), /user "flowlens", password "flowlens"/);
  assert.match(logMessages(server.stderr()), /demo exporter: 4 simulated routers/);
  assert.equal(await server.stop(), 0, server.stderr());
});

test('--demo without a NetFlow port is refused with a clear message', (t) => {
  const args = [cli, 'server', '--data', tempDir(t), '--demo', '--netflow-port', '0'];
  const run = spawnSync(process.execPath, args, { encoding: 'utf8' });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /--demo: .*NetFlow UDP port, which is disabled/);
});
