import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { type TestContext, test } from 'node:test';
import pg from 'pg';
import { flowColumns } from '../src/flow/schema.js';
import { Nfcapd } from './helpers/exporters-nfcapd.js';
import { asCapture, runPmacctdAs } from './helpers/exporters-pmacct-as.js';
import { UdpTee } from './helpers/exporters-tee.js';
import { freeUdpPort, runPeer, tempDir } from './helpers/peers.js';
import { csvRows, psqlAt, startPgServerProcess, statusWhen } from './helpers/pg-server-process.js';

/**
 * The verification: the seed query, verbatim, through the real psql against `flowlens
 * server`, over flows a real exporter (pmacctd's nfprobe, NetFlow v9, AS numbers from a
 * networks_file) sent to the server's NetFlow port a moment ago. The oracle is nfdump over the
 * same export (a UDP tee feeds nfcapd and the server the same datagrams). pmacctd samples 1 packet
 * in 4 and announces the rate in options data: our collector multiplies in_pkts by the rate it
 * reads there; nfcapd 1.7.1 does not read pmacct's announcement, so it is told the rate (`-s -4`:
 * multiply every record by 4). Every flow is received now, so its i_start_time (the receive
 * minute) is within the last five minutes as long as the test runs for less than four.
 */

const samplingRate = 4;

const seedQuery =
  "SELECT src_as, sum(in_pkts) as f_sum_in_pkts FROM all_devices WHERE i_start_time >= now() - interval'5 min' GROUP BY src_as ORDER BY f_sum_in_pkts DESC LIMIT 10";

/** Packets per source AS of every flow in nfcapd's files: `nfdump -A srcas` (all of them, not a top N). */
async function nfdumpPacketsBySrcAs(t: TestContext, dir: string) {
  const csv = await runPeer(t, 'nfdump', ['-R', dir, '-A', 'srcas', '-o', 'csv', '-N'], 30_000, 'stdout');
  const lines = csv.trim().split('\n');
  const header = lines[0]!.split(',');
  const sas = header.indexOf('sas');
  const ipkt = header.indexOf('ipkt');
  assert.ok(sas >= 0 && ipkt >= 0, `nfdump csv header: ${lines[0]}`);
  const sums = new Map<number, number>();
  for (const line of lines.slice(1)) {
    const f = line.split(',');
    if (f.length !== header.length || !/^\d+$/.test(f[sas]!)) continue; // the summary lines
    sums.set(Number(f[sas]), (sums.get(Number(f[sas])) ?? 0) + Number(f[ipkt]));
  }
  return sums;
}

/**
 * Our top `n` against the oracle's full aggregate, ties included: the values must be the oracle's
 * n largest in order; above the last value the ASes are exactly the oracle's; at the last value
 * (a tie that LIMIT cuts through) ours must be among the oracle's ASes with that value.
 */
function assertTopN(ours: [number, number][], oracle: Map<number, number>, n: number): void {
  const want = [...oracle].sort((a, b) => b[1] - a[1]);
  assert.equal(ours.length, Math.min(n, want.length));
  assert.deepEqual(
    ours.map(([, v]) => v),
    want.slice(0, ours.length).map(([, v]) => v),
    'the top values in order',
  );
  const last = ours[ours.length - 1]![1];
  const set = (rows: [number, number][]) => rows.map(([as]) => as).sort((a, b) => a - b);
  assert.deepEqual(
    set(ours.filter(([, v]) => v > last)),
    set(want.filter(([, v]) => v > last)),
    'the ASes above the last value',
  );
  const atLast = new Set(want.filter(([, v]) => v === last).map(([as]) => as));
  for (const [as] of ours.filter(([, v]) => v === last)) assert.ok(atLast.has(as), `AS ${as} at ${last}`);
}

/** PostgreSQL's names of the types docs/query.md gives each storage type (format_type's spelling). */
const pgTypeOfColumn: Record<string, string> = {
  u8: 'smallint',
  u16: 'integer',
  u32: 'bigint',
  u64: 'bigint',
  time: 'timestamp with time zone',
  addr: 'inet',
  mac: 'macaddr',
  string: 'text',
};

test('flowlens server over pmacctd NetFlow v9: the seed query through psql as nfdump counts it, \\d, node-postgres', async (t) => {
  const netflowPort = await freeUdpPort();
  const { server, pgPort } = await startPgServerProcess(t, {
    args: ['--listen', '127.0.0.1', '--netflow-port', String(netflowPort)],
  });
  const nfcapd = await Nfcapd.start(t, await freeUdpPort(), ['-s', `-${samplingRate}`]);
  const tee = await UdpTee.start(t, [nfcapd.port, netflowPort]);
  const pcap = `${tempDir(t)}/as.pcap`;
  writeFileSync(pcap, asCapture(Date.now() - 10_000));

  await runPmacctdAs(t, pcap, tee.port, samplingRate);
  const datagrams = await tee.sync();
  assert.ok(datagrams > 0, 'pmacctd sent nothing');
  await statusWhen(server.url, (s) => s.collector.decode.packets >= datagrams, 'the export at the server');
  const totals = await nfcapd.stop();
  assert.ok(totals.flows > 0, `nfcapd got no flows:\n${nfcapd.log()}`);
  const oracle = await nfdumpPacketsBySrcAs(t, nfcapd.dir);
  t.diagnostic(`nfdump packets by src AS: ${JSON.stringify([...oracle])}`);
  assert.ok(oracle.size >= 12, 'the networks file gave the flows many source ASes');
  // The collector hands its batches to the store on a timer; the query then sees them (open
  // minutes included).
  const status = await statusWhen(
    server.url,
    (s) => s.storeSink.storedFlows >= totals.flows,
    'every flow nfdump counted to be stored',
  );
  assert.equal(status.storeSink.storedFlows, totals.flows);
  assert.equal(status.collector.decode.packets, datagrams, 'every datagram decoded');

  await t.test('the seed query, verbatim, through psql', async () => {
    const r = await psqlAt(pgPort, seedQuery);
    assert.equal(r.code, 0, r.stderr);
    const ours = csvRows(r.stdout).map(([as, v]) => [Number(as), Number(v)] as [number, number]);
    t.diagnostic(`psql: ${JSON.stringify(ours)}`);
    assertTopN(ours, oracle, 10);
    const rates = await psqlAt(pgPort, 'SELECT sample_rate, count(*) FROM all_devices GROUP BY 1');
    assert.equal(rates.stdout.trim(), `${samplingRate},${totals.flows}`, 'the announced rate, on every flow');
  });

  await t.test('psql \\dt, \\d and \\d all_devices list the tenant tables and the flow columns', async () => {
    // The exporter registered itself as a device named by its address; its table is named so too.
    // The device pmacctd exported as, all_devices, devices, and the tenant's synthetic results
    // tables (src/synth/tables.ts), sorted by name as psql lists them.
    const synth = ['synth_dns', 'synth_http', 'synth_ping', 'synth_tcp', 'synth_trace'];
    const expected = ['127.0.0.1', 'all_devices', 'devices', ...synth].map(
      (name) => `public,${name},table,flowlens`,
    );
    for (const command of ['\\dt', '\\d']) {
      const r = await psqlAt(pgPort, command);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), expected, command);
    }
    const d = await psqlAt(pgPort, '\\d all_devices');
    assert.equal(d.code, 0, d.stderr);
    // Tuples only: column, type, collation, nullable, default (no collations or constraints here).
    assert.deepEqual(
      d.stdout.trim().split('\n'),
      flowColumns.map((c) => `${c.name},${pgTypeOfColumn[c.type]},,,`),
    );
  });

  await t.test('node-postgres: extended protocol with parameters, a prepared statement reused', async (t) => {
    const client = new pg.Client({
      host: '127.0.0.1',
      port: pgPort,
      user: 'flowlens',
      password: 'flowlens',
      database: 'flowlens',
    });
    client.on('error', () => {});
    await client.connect();
    t.after(() => client.end().catch(() => {}));
    const byAs = {
      name: 'packets-of-as',
      text: 'SELECT sum(in_pkts) AS packets FROM all_devices WHERE src_as = $1 AND i_start_time >= $2',
    };
    const since = new Date(Date.now() - 5 * 60_000);
    for (const as of [64501, 64521, 0, 65000]) {
      const r = await client.query({ ...byAs, values: [as, since] });
      const want = oracle.get(as);
      assert.deepEqual(r.rows, [{ packets: want === undefined ? null : String(want) }], `AS ${as}`);
    }
    // The 10.0.0.0/8 hosts are those of ASes 64501-64512 (asNetworks).
    const inTen = await client.query(
      'SELECT src_as, sum(in_pkts) AS p FROM all_devices WHERE src_addr <<= $1 GROUP BY src_as ORDER BY src_as LIMIT $2',
      ['10.0.0.0/8', 100],
    );
    const want = [...oracle].filter(([as]) => as >= 64501 && as <= 64512).sort((a, b) => a[0] - b[0]);
    assert.deepEqual(
      inTen.rows,
      want.map(([as, p]) => ({ src_as: String(as), p: String(p) })),
    );
    assert.deepEqual(
      inTen.fields.map((f) => [f.name, f.dataTypeID]),
      [
        ['src_as', 20], // int8
        ['p', 1700], // numeric: sums of bigint
      ],
    );
  });
});
