import assert from 'node:assert/strict';
import { flowKey as appFlowKey } from './app-decode.js';
import { tsharkHttp, tsharkTls } from './app-tshark.js';
import { flowlens, jsonLines } from './capture-cli.js';
import { tsharkDhcp } from './dhcp-tshark.js';
import { boundAnswers, tsharkDns } from './dns-tshark.js';
import { expectedTcpFlows } from './tcp-expect.js';
import { endpoint, flowKey as tcpFlowKey } from './tcp-feed.js';
import { tsharkTcpFrames } from './tcp-tshark.js';
import { conversationKey, packetsByFlow } from './tshark-flow-packets.js';

/**
 * The records `flowlens agent --read FILE --timestamps capture --format json` prints, checked
 * against tshark's decode of the same capture, flow by flow and record by record:
 * - TCP: per connection, the records' retransmitted/out-of-order packets each way and zero
 *   windows add up to the frames tshark flags, the client is the side tcp-expect.ts says, and the
 *   handshake latencies are tshark's initial RTT split at the SYN/ACK (tcp-expect.ts);
 * - each record's packets are the flow's next in_pkts + out_pkts packets in tshark's order, and
 *   the application fields are those of the messages in them, by docs/agent.md's rules: DNS the
 *   first response (else the first query), DHCP the last message, HTTP a request of the flow
 *   (the first one for a flow's first record) with its URL and Referer query values redacted and
 *   its response's status, TLS the flow's ClientHello name and ServerHello version and suite.
 * Returns counts of what was compared, for the test's diagnostics.
 */
export async function assertRecordsMatchTshark(file: string): Promise<Record<string, number>> {
  const run = flowlens(['agent', '--read', file, '--timestamps', 'capture', '--format', 'json']);
  assert.equal(run.status, 0, run.stderr);
  const records = jsonLines(run.stdout);
  const compared: Record<string, number> = { records: records.length };
  const count = (what: string) => {
    compared[what] = (compared[what] ?? 0) + 1;
  };

  await assertTcp(file, records, count);

  // Each record's packets, by tshark's packet numbers.
  const packets = packetsByFlow(file);
  const recordPackets = new Map<Record<string, string | number>, number[]>();
  for (const r of records) {
    const key = recordKey(r);
    const list = packets.get(key);
    if (list === undefined) continue; // ICMP, or a flow tshark sees inside a tunnel
    const n = num(r.in_pkts) + num(r.out_pkts);
    assert.ok(list.length >= n, `${file}: flow ${key} has fewer packets than its records count`);
    recordPackets.set(r, list.splice(0, n));
  }
  for (const [key, rest] of packets)
    assert.equal(rest.length, 0, `${file}: flow ${key}: ${rest.length} packets in no record`);

  const dns = new Map(tsharkDns(file).map((m) => [m.packet, m]));
  const dhcp = new Map(tsharkDhcp(file).map((m) => [m.packet, m]));
  for (const [r, nums] of recordPackets) {
    const where = `${file}: record ${recordKey(r)} (packets ${nums.join(',')})`;
    const dnsMessages = nums.flatMap((p) => dns.get(p) ?? []);
    if (dnsMessages.length > 0) {
      // The first response is the record's exchange; a query before it names it if it does not.
      const at = dnsMessages.findIndex((m) => m.response);
      const response = at < 0 ? undefined : dnsMessages[at];
      const query = dnsMessages.slice(0, at < 0 ? undefined : at).find((m) => !m.response);
      const asked = response?.query !== undefined ? response : query;
      assert.deepEqual(
        pick(r, ['app_protocol', 'dns_query', 'dns_query_type', 'dns_return_code', 'dns_answers']),
        {
          app_protocol: 'dns',
          dns_query: asked?.query ?? '',
          dns_query_type: asked?.queryType ?? 0,
          dns_return_code: response?.rcode ?? 0,
          dns_answers: response === undefined ? '' : boundAnswers(response.answers, 512),
        },
        `${where}: DNS`,
      );
      count('dns');
    }
    const dhcpMessages = nums.flatMap((p) => dhcp.get(p) ?? []);
    const last = dhcpMessages.at(-1);
    if (last?.decoded === true) {
      const f = last.fields;
      assert.deepEqual(
        pick(r, ['app_protocol', 'dhcp_op', 'dhcp_msg_type', 'dhcp_client_mac', 'dhcp_yiaddr']),
        {
          app_protocol: 'dhcp',
          dhcp_op: f.dhcp_op,
          dhcp_msg_type: f.dhcp_msg_type,
          dhcp_client_mac: f.dhcp_client_mac,
          dhcp_yiaddr: f.dhcp_yiaddr,
        },
        `${where}: DHCP`,
      );
      count('dhcp');
    } else if (last !== undefined) count('dhcp_not_decoded_by_tshark');
  }

  assertHttp(file, records, await tsharkHttp(file), count);
  assertTls(file, records, await tsharkTls(file), count);
  return compared;
}

type Rec = Record<string, string | number>;

const num = (v: string | number | undefined) => (v === undefined ? 0 : Number(v));

/** The record's columns, absent ones as the value JSON leaves out (0, '', the zero address). */
function pick(r: Rec, columns: string[]): Rec {
  const zero: Rec = { dhcp_client_mac: '00:00:00:00:00:00', dhcp_yiaddr: '0.0.0.0' };
  return Object.fromEntries(
    columns.map((c) => [c, r[c] ?? zero[c] ?? (/_(query|answers|protocol)$/.test(c) ? '' : 0)]),
  );
}

async function assertTcp(file: string, records: Rec[], count: (what: string) => void): Promise<void> {
  const expected = expectedTcpFlows(await tsharkTcpFrames(file));
  const sums = new Map<string, { client: string; m: number[] }>();
  for (const r of records) {
    if (r.protocol !== 6) continue;
    const client = endpoint(String(r.src_addr), num(r.l4_src_port));
    const key = tcpFlowKey(client, endpoint(String(r.dst_addr), num(r.l4_dst_port)));
    const s = sums.get(key) ?? { client, m: [0, 0, 0, 0, 0, 0, 0] };
    const add = [
      r.retransmitted_in_pkts,
      r.retransmitted_out_pkts,
      r.ooorder_in_pkts,
      r.ooorder_out_pkts,
      r.zero_window,
    ].map(num);
    for (let i = 0; i < 5; i++) s.m[i]! += add[i]!;
    s.m[5] = Math.max(s.m[5]!, num(r.client_nw_latency_ms));
    s.m[6] = Math.max(s.m[6]!, num(r.server_nw_latency_ms));
    sums.set(key, s);
  }
  assert.deepEqual([...sums.keys()].sort(), [...expected.keys()].sort(), `${file}: TCP connections`);
  for (const [key, want] of expected) {
    const got = sums.get(key)!;
    assert.deepEqual(
      { client: got.client, counts: got.m },
      {
        client: want.client,
        counts: [
          ...want.retransmits,
          ...want.outOfOrder,
          want.zeroWindow,
          want.clientNwLatencyMs,
          want.serverNwLatencyMs,
        ],
      },
      `${file}: TCP ${key}: [retransmitted in, out, out-of-order in, out, zero windows, client, server latency ms]`,
    );
    count('tcp');
  }
}

/** An HTTP URL with its query values redacted, as docs/agent.md says: `/a?x=1&y=&f` → `/a?x=*&y=&*`. */
export function redacted(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((p) => {
      const eq = p.indexOf('=');
      if (eq < 0) return p === '' ? '' : '*';
      return eq === p.length - 1 ? p : `${p.slice(0, eq)}=*`;
    });
  return `${url.slice(0, q)}?${params.join('&')}`;
}

function assertHttp(
  file: string,
  records: Rec[],
  oracle: Awaited<ReturnType<typeof tsharkHttp>>,
  count: (what: string) => void,
): void {
  const byFlow = groupTcp(records.filter((r) => r.app_protocol === 'http'));
  for (const [key, flow] of oracle) {
    const recs = byFlow.get(key) ?? [];
    assert.ok(recs.length > 0, `${file}: tshark decodes HTTP in ${key}, no http record`);
    const requests = flow.requests.map((q) => ({
      http_method: q.method,
      http_host: q.host,
      http_url: redacted(q.url),
      http_ua: q.userAgent,
      http_referer: redacted(q.referer),
    }));
    let next = 0;
    recs.forEach((r, i) => {
      const got = {
        http_method: r.http_method ?? '',
        http_host: r.http_host ?? '',
        http_url: r.http_url ?? '',
        http_ua: r.http_ua ?? '',
        http_referer: r.http_referer ?? '',
      };
      if (got.http_method === '') return;
      const at = requests.findIndex((q, j) => j >= next && JSON.stringify(q) === JSON.stringify(got));
      assert.ok(
        at >= 0,
        `${file}: HTTP ${key} record ${i}: ${JSON.stringify(got)} is not a later request of ${JSON.stringify(requests)}`,
      );
      if (i === 0) assert.equal(at, 0, `${file}: HTTP ${key}: the first record carries the first request`);
      next = at + 1;
    });
    // A flow in one record: the status of the first request's response (responses pair with
    // requests in order), or the first response's when no request was seen.
    if (recs.length === 1)
      assert.equal(num(recs[0]!.http_status), flow.statuses[0] ?? 0, `${file}: HTTP ${key}: status`);
    count('http');
  }
}

function assertTls(
  file: string,
  records: Rec[],
  oracle: Awaited<ReturnType<typeof tsharkTls>>,
  count: (what: string) => void,
): void {
  const byFlow = groupTcp(records.filter((r) => r.app_protocol === 'tls'));
  for (const [key, flow] of oracle) {
    const recs = byFlow.get(key) ?? [];
    assert.ok(recs.length > 0, `${file}: tshark decodes a TLS hello in ${key}, no tls record`);
    const want = {
      tls_server_name: flow.serverName ?? '',
      tls_version: flow.version ?? 0,
      tls_cipher: flow.cipher ?? 0,
    };
    // The fields are written into every record once seen: the last one has them all.
    const last = recs.at(-1)!;
    assert.deepEqual(
      {
        tls_server_name: last.tls_server_name ?? '',
        tls_version: num(last.tls_version),
        tls_cipher: num(last.tls_cipher),
      },
      want,
      `${file}: TLS ${key}`,
    );
    count('tls');
  }
}

function groupTcp(records: Rec[]): Map<string, Rec[]> {
  const out = new Map<string, Rec[]>();
  for (const r of records) {
    const key = appFlowKey(String(r.src_addr), num(r.l4_src_port), String(r.dst_addr), num(r.l4_dst_port));
    out.set(key, [...(out.get(key) ?? []), r]);
  }
  return out;
}

function recordKey(r: Rec): string {
  return conversationKey(
    String(r.protocol),
    String(r.vlan_in ?? 0),
    `${r.src_addr}|${r.l4_src_port ?? 0}`,
    `${r.dst_addr}|${r.l4_dst_port ?? 0}`,
  );
}
