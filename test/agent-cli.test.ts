import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { flowlens, jsonLines } from './helpers/capture-cli.js';
import { repoRoot } from './helpers/paths.js';

const hosts = `${repoRoot}test/testdata/hosts`;
const summaryOf = (stderr: string) => JSON.parse(stderr.trim().split('\n').pop()!) as Record<string, unknown>;

describe('flowlens agent --read', () => {
  test('prints JSON records with only the columns set, and a summary on stderr', () => {
    const r = flowlens(['agent', '--read', join(hosts, 'dns.pcap'), '--timestamps', 'capture']);
    assert.equal(r.status, 0, r.stderr);
    const records = jsonLines(r.stdout);
    // dns.pcap: three queries from distinct client ports, each answered (see SOURCES.md).
    assert.equal(records.length, 3);
    for (const rec of records) {
      assert.equal(rec.l4_dst_port, 53);
      assert.equal(rec.protocol, 17);
      assert.deepEqual([rec.in_pkts, rec.out_pkts], [1, 1]);
      for (const [k, v] of Object.entries(rec)) assert.ok(v !== 0 && v !== '', `${k} is set`);
      assert.equal(Date.parse(String(rec.i_start_time)) % 60_000, 0, 'i_start_time is a minute');
    }
    const s = summaryOf(r.stderr);
    assert.deepEqual([s.capture_packets, s.packets, s.flows, s.records, s.evicted], [6, 6, 3, 3, 0]);
    assert.deepEqual(s.skipped, {});
  });

  test('--max-flows 1 evicts each flow when the next one starts, and says so', () => {
    const r = flowlens([
      'agent',
      '--read',
      join(hosts, 'dns.pcap'),
      '--timestamps',
      'capture',
      '--max-flows',
      '1',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const s = summaryOf(r.stderr);
    // The three exchanges follow each other: query, answer, next query… so each new flow evicts
    // the previous one, whose exchange is complete: 2 evictions and still 3 whole records.
    assert.equal(s.evicted, 2);
    assert.deepEqual(
      jsonLines(r.stdout).map((x) => [x.in_pkts, x.out_pkts]),
      [
        [1, 1],
        [1, 1],
        [1, 1],
      ],
    );
  });

  test('timestamps as received: flows carry the time the file was read', () => {
    const before = Date.now();
    const r = flowlens(['agent', '--read', join(hosts, 'tcp-retrans.pcap')]);
    const after = Date.now();
    assert.equal(r.status, 0, r.stderr);
    const [rec] = jsonLines(r.stdout);
    const start = Date.parse(String(rec!.flow_start_time));
    assert.ok(start >= before && start <= after, `${rec!.flow_start_time} within the run`);
  });

  test('--format text prints one line per record', () => {
    const r = flowlens([
      'agent',
      '-r',
      join(hosts, 'tcp-retrans.pcap'),
      '--format',
      'text',
      '--timestamps',
      'capture',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, 1);
    assert.match(
      lines[0]!,
      /^\S+Z TCP 192\.0\.2\.50:40000 → 198\.51\.100\.10:80 in=8\/\d+B out=7\/\d+B flags=/,
    );
  });

  test('bad usage exits 2; an unreadable file or not a capture exits 1', () => {
    assert.equal(flowlens(['agent']).status, 2);
    assert.equal(flowlens(['agent', '--read', 'x', '--format', 'xml']).status, 2);
    assert.equal(flowlens(['agent', '--read', 'x', '--idle-timeout', '-1']).status, 2);
    assert.equal(flowlens(['agent', '--read', 'x', '--max-flows', '0']).status, 2);
    const missing = flowlens(['agent', '--read', join(hosts, 'no-such.pcap')]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /ENOENT/);
    const notCapture = flowlens(['agent', '--read', join(hosts, 'SOURCES.md')]);
    assert.equal(notCapture.status, 1);
    assert.deepEqual(summaryOf(notCapture.stderr).capture_errors, { not_a_capture: 1 });
  });

  test('reads a capture from standard input', () => {
    const r = flowlens(
      ['agent', '--read', '-', '--timestamps', 'capture'],
      readFileSync(join(hosts, 'dhcp.pcap')),
    );
    assert.equal(r.status, 0, r.stderr);
    assert.equal(summaryOf(r.stderr).packets, 4);
  });
});
