import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { agentHarness, T0 } from '../../../test/helpers/agent-harness.js';
import { ethernet, ipv4, tcp, udp } from '../../../test/helpers/capture-craft.js';
import type { AppDecoder, AppPayload, TcpMetrics, TcpSegment, TcpTracker } from '../contract.js';

/** Records every call; `read` reports fixed metrics so their placement in the record shows. */
function fakeTracker() {
  const calls: string[] = [];
  const segments: Omit<TcpSegment, never>[] = [];
  const tracker: TcpTracker = {
    open: (slot) => calls.push(`open ${slot}`),
    segment: (slot, s) => {
      calls.push(`segment ${slot}`);
      segments.push({ ...s });
    },
    read: (slot, out: TcpMetrics) => {
      calls.push(`read ${slot}`);
      Object.assign(out, {
        clientNwLatencyMs: 11,
        serverNwLatencyMs: 12,
        applLatencyMs: 13,
        retransmits: [3, 4],
        repeatedRetransmits: 5,
        outOfOrder: [6, 7],
        zeroWindow: 8,
        receiveWindow: [1000, 2000],
      });
    },
  };
  return { tracker, calls, segments };
}

describe('the TCP tracker', () => {
  test('gets open, every segment with direction and window scale, and read at export', () => {
    const f = fakeTracker();
    const h = agentHarness({}, { tcp: f.tracker });
    const c = (flags: number, data: number[], options: number[] = []) =>
      ethernet(
        ipv4({ protocol: 6, src: '10.0.0.1', dst: '10.0.0.9' }, tcp(40000, 80, 100, flags, data, options)),
      );
    const s = (flags: number, data: number[]) =>
      ethernet(ipv4({ protocol: 6, src: '10.0.0.9', dst: '10.0.0.1' }, tcp(80, 40000, 500, flags, data)));
    h.send(c(0x02, [], [1, 3, 3, 7]), T0); // SYN with window scale 7
    h.send(s(0x12, []), T0 + 1);
    h.send(c(0x18, [1, 2, 3]), T0 + 2);
    h.pipeline.finish();
    assert.deepEqual(f.calls, ['open 0', 'segment 0', 'segment 0', 'segment 0', 'read 0']);
    assert.deepEqual(
      f.segments.map((x) => [x.dir, x.seq, x.flags, x.window, x.windowScale, x.payloadLength, x.timeMs]),
      [
        [0, 100, 0x02, 0xffff, 7, 0, T0],
        [1, 500, 0x12, 0xffff, -1, 0, T0 + 1],
        [0, 100, 0x18, 0xffff, -1, 3, T0 + 2],
      ],
    );
    const r = h.records[0]!;
    assert.deepEqual(
      [
        r.client_nw_latency_ms,
        r.server_nw_latency_ms,
        r.appl_latency_ms,
        r.retransmitted_in_pkts,
        r.retransmitted_out_pkts,
        r.repeated_retransmits,
        r.ooorder_in_pkts,
        r.ooorder_out_pkts,
        r.zero_window,
        r.receive_window,
      ],
      [11, 12, 13, 3, 4, 5, 6, 7, 8, 2000],
    );
  });

  test('is not called for UDP flows, whose records carry no TCP metrics', () => {
    const f = fakeTracker();
    const h = agentHarness({}, { tcp: f.tracker });
    h.send(ethernet(ipv4({ protocol: 17 }, udp(40000, 53, [1]))), T0);
    h.pipeline.finish();
    assert.deepEqual(f.calls, []);
    assert.equal(h.records[0]!.retransmitted_in_pkts, undefined);
  });
});

/** A decoder of port 53 that reports each payload's first byte and how it was called. */
function fakeDns(opts: { throwOn?: number } = {}) {
  const seen: string[] = [];
  const decoder: AppDecoder<{ n: number }> = {
    protocol: 'dns',
    errors: {},
    matchesPorts: (client, server, transport) => server === 53 && transport === 'udp' && client !== 0,
    newState: () => ({ n: 0 }),
    payload(state, p: AppPayload, out) {
      state.n++;
      seen.push(`${p.dir} ${p.end - p.start}/${p.wireLength} first=${p.buf[p.start]} n=${state.n}`);
      if (p.buf[p.start] === opts.throwOn) throw new Error('decoder bug');
      out.setString('dns_query', `q${p.buf[p.start]}`);
      out.setNumber('dns_query_type', 28);
      out.setNumber('in_bytes', 1); // not an application column: refused, counted
    },
  };
  return { decoder: decoder as AppDecoder<unknown>, seen };
}

describe('application decoders', () => {
  test('the matching decoder sees each payload with its flow state; its fields land in the record', () => {
    const d = fakeDns();
    const h = agentHarness({}, { apps: [d.decoder] });
    h.send(ethernet(ipv4({ protocol: 17, src: '10.0.0.1', dst: '10.0.0.9' }, udp(40000, 53, [5, 0, 0]))), T0);
    h.send(
      ethernet(ipv4({ protocol: 17, src: '10.0.0.9', dst: '10.0.0.1' }, udp(53, 40000, [6, 0]))),
      T0 + 1,
    );
    h.send(ethernet(ipv4({ protocol: 17, src: '10.0.0.1', dst: '10.0.0.9' }, udp(40000, 54, [7]))), T0 + 2);
    h.pipeline.finish();
    assert.deepEqual(d.seen, ['0 3/3 first=5 n=1', '1 2/2 first=6 n=2']);
    const r = h.records.find((x) => x.l4_dst_port === 53)!;
    assert.deepEqual([r.app_protocol, r.dns_query, r.dns_query_type, r.in_bytes], ['dns', 'q6', 28, 31]);
    assert.equal(h.records.find((x) => x.l4_dst_port === 54)!.app_protocol, undefined);
    assert.equal(h.stats.appFieldErrors, 2);
  });

  test('a decoder that throws loses that payload only', () => {
    const d = fakeDns({ throwOn: 9 });
    const h = agentHarness({}, { apps: [d.decoder] });
    h.send(ethernet(ipv4({ protocol: 17 }, udp(40000, 53, [9]))), T0);
    h.send(ethernet(ipv4({ protocol: 17 }, udp(40000, 53, [4]))), T0 + 1);
    h.pipeline.finish();
    assert.equal(h.stats.appDecoderThrew, 1);
    assert.equal(h.records[0]!.dns_query, 'q4');
    assert.equal(h.records[0]!.in_pkts, 2);
  });
});

describe('content detection and exported', () => {
  /** Claims TCP flows whose client starts with 'G'; counts records exported per flow state. */
  function fakeHttp() {
    const log: string[] = [];
    const decoder: AppDecoder<{ exported: number }> = {
      protocol: 'http',
      errors: {},
      matchesPorts: () => false,
      matchesContent: (p) => p.dir === 0 && p.buf[p.start] === 0x47,
      newState: () => ({ exported: 0 }),
      payload(_state, p, out) {
        log.push(`payload ${p.dir} ${String.fromCharCode(p.buf[p.start]!)}`);
        out.setString('http_method', 'GET');
      },
      exported(state) {
        state.exported++;
        log.push(`exported ${state.exported}`);
      },
    };
    return { decoder: decoder as AppDecoder<unknown>, log };
  }
  const c = (data: number[], src = '10.0.0.1', sport = 40000) =>
    ethernet(ipv4({ protocol: 6, src, dst: '10.0.0.9' }, tcp(sport, 9999, 1, 0x18, data)));
  const s = (data: number[]) =>
    ethernet(ipv4({ protocol: 6, src: '10.0.0.9', dst: '10.0.0.1' }, tcp(9999, 40000, 1, 0x18, data)));

  test('a flow on other ports is decoded from the client payload that a decoder claims', () => {
    const f = fakeHttp();
    const h = agentHarness({}, { apps: [f.decoder] });
    const t = T0 + 50_000;
    h.send(c([]), t); // no SYN in this capture: the first sender, 10.0.0.1, is the client
    h.send(s([0x53]), t + 1); // a server payload first: not offered
    h.send(c([0x47, 0x45, 0x54]), t + 2); // 'GET': claimed, and decoded from this payload on
    h.send(s([0x48]), t + 3);
    h.send(c([0x41], '10.0.0.2', 40001), t + 4); // another flow: 'A', unclaimed
    h.send(c([0x47], '10.0.0.2', 40001), t + 5); // …and not offered again
    h.send(c([0x47]), T0 + 61_000); // the next minute: the first record was exported
    h.pipeline.finish();
    assert.deepEqual(f.log, ['payload 0 G', 'payload 1 H', 'exported 1', 'payload 0 G', 'exported 2']);
    const claimed = h.records.filter((r) => r.src_addr === '10.0.0.1');
    assert.deepEqual(
      claimed.map((r) => [r.app_protocol, r.http_method]),
      [
        ['http', 'GET'],
        ['http', 'GET'],
      ],
    );
    assert.equal(h.records.find((r) => r.src_addr === '10.0.0.2')!.app_protocol, undefined);
  });
});
