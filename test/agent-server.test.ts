import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { flowColumns } from '../src/flow/schema.js';
import { startAgent } from './helpers/agent-process.js';
import { flowlens, jsonLines } from './helpers/capture-cli.js';
import { repoRoot } from './helpers/paths.js';
import { tempDir } from './helpers/peers.js';
import { authHeader, startServer } from './helpers/server-process.js';

/**
 * `flowlens agent --server` against a real `flowlens server`: the records of several captures
 * (HTTP, DNS, ICMP, DHCP, TLS) are sent as two devices — one logging in with a password
 * (FLOWLENS_PASSWORD), one with a bearer token (FLOWLENS_TOKEN) — and read back with
 * POST /api/v1/query: each device's rows, column for column (the flow's identity, counters and
 * every host-agent column), are the records `flowlens agent --format json` prints for the same
 * captures; the counts per app_protocol agree; all_devices lists both devices.
 */

const hosts = `${repoRoot}test/testdata/hosts`;
const captures = [
  join(hosts, 'loopback-http-dns-icmp.pcap'),
  join(hosts, 'dhcp.pcap'),
  join(hosts, 'tcp-retrans.pcap'),
  '/usr/share/doc/python3-dpkt/examples/data/http.pcap',
  '/usr/share/gocode/src/github.com/gopacket/gopacket/pcapgo/tests/le/test301.pcapng',
];

type Cell = string | number | boolean | null;

/** The flow's identity and counters, then every host-agent column. */
const columns = [
  'flow_start_time',
  'flow_end_time',
  'src_addr',
  'dst_addr',
  'l4_src_port',
  'l4_dst_port',
  'protocol',
  'vlan_in',
  'in_pkts',
  'in_bytes',
  'out_pkts',
  'out_bytes',
  'tcp_flags',
  'tos',
  'ip_version',
  ...flowColumns.filter((c) => c.source === 'host').map((c) => c.name),
];

async function query(url: string, sql: string, tenant = 'default'): Promise<Cell[][]> {
  const res = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: authHeader(tenant) },
    body: JSON.stringify({ sql }),
  });
  const body = (await res.json()) as { rows: Cell[][] };
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.rows;
}

/**
 * A row as comparable text: the columns that are set. The JSON output leaves out a host column
 * that is zero or empty (an unset address or MAC too); the query answers those as 0, '', '::'
 * (the all-zero address: an IPv4 0.0.0.0 is stored IPv4-mapped, and reads 0.0.0.0 in both) or
 * 00:00:00:00:00:00.
 */
const unset = new Set<Cell | undefined>([undefined, null, '', 0, '::', '00:00:00:00:00:00']);

function canonical(values: Record<string, Cell | undefined>): string {
  const set = columns.filter((c) => !unset.has(values[c]));
  return JSON.stringify(set.map((c) => [c, values[c]]));
}

test('agent → server: every record stored as printed, per device; counts per app_protocol; both devices listed', async (t) => {
  const data = tempDir(t, 'flowlens-agent-server-');
  const token = randomBytes(24).toString('hex');
  const config = join(data, 'tokens.json');
  writeFileSync(
    config,
    JSON.stringify({
      users: [{ name: 'flowlens', password: 'flowlens', tenant: 'default' }],
      tokens: [{ token, user: 'flowlens' }],
    }),
  );
  const server = await startServer(join(data, 'server'), { args: ['--config', config] });
  t.after(() => server.stop());
  await server.ready();

  const expected = new Map<string, string[]>();
  for (const [device, env, extra] of [
    ['web-1', { FLOWLENS_PASSWORD: 'flowlens' }, ['--user', 'flowlens']],
    ['web-2', { FLOWLENS_TOKEN: token }, []],
  ] as const) {
    const rows: string[] = [];
    for (const file of captures) {
      const agent = startAgent(
        t,
        ['--read', file, '--timestamps', 'capture', '--server', server.url, '--device', device, ...extra],
        env,
      );
      assert.equal(await agent.exited, 0, agent.stderr());
      assert.equal(agent.stdout(), '', 'records sent are not printed');
      const printed = flowlens(['agent', '--read', file, '--timestamps', 'capture', '--format', 'json']);
      assert.equal(printed.status, 0, printed.stderr);
      const records = jsonLines(printed.stdout);
      const exported = agent.summary().export as Record<string, unknown>;
      assert.deepEqual(
        [exported.rows, exported.sent_rows, exported.dropped_rows, exported.rejected_rows],
        [records.length, records.length, 0, 0],
        `${file}: every record acknowledged`,
      );
      for (const r of records) rows.push(canonical(r));
    }
    expected.set(device, rows.sort());
  }

  for (const [device, rows] of expected) {
    const stored = await query(
      server.url,
      `SELECT ${columns.join(', ')} FROM all_devices WHERE i_device_name = '${device}'`,
    );
    const got = stored.map((row) => canonical(Object.fromEntries(columns.map((c, i) => [c, row[i]])))).sort();
    assert.deepEqual(got, rows, `${device}: the rows stored are the records printed`);
  }

  const perProtocol = new Map<string, number>();
  for (const rows of expected.values())
    for (const row of rows) {
      const app = (JSON.parse(row) as [string, Cell][]).find(([c]) => c === 'app_protocol')?.[1] ?? '';
      perProtocol.set(String(app), (perProtocol.get(String(app)) ?? 0) + 1);
    }
  const counts = await query(
    server.url,
    'SELECT app_protocol, count(*) FROM all_devices GROUP BY 1 ORDER BY 1',
  );
  assert.deepEqual(
    counts.map(([p, n]) => [p ?? '', Number(n)]),
    [...perProtocol.entries()].sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  assert.ok(perProtocol.size >= 5, 'dns, http, dhcp, tls and flows without one');

  const devices = await query(
    server.url,
    'SELECT i_device_name, count(*) FROM all_devices GROUP BY 1 ORDER BY 1',
  );
  assert.deepEqual(
    devices.map(([d, n]) => [d, Number(n)]),
    [...expected.entries()].map(([d, rows]) => [d, rows.length]),
  );
});
