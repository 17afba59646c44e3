import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sflowSetup as setup } from '../../../test/helpers/sflow-context.js';
import * as c from '../../../test/helpers/sflow-craft.js';
import { decodeSflow } from './sflow.js';

const tcpHeader = (sport: number) => c.rawHeader(c.ethernet(c.ipv4(c.tcp(sport, 80, 0x10))), 1000);

describe('sFlow sequence numbers', () => {
  test('datagram sequence gaps per agent and sub-agent count lost packets', () => {
    const { ctx, out } = setup();
    const send = (sequence: number, subAgent = 0, agent = '192.0.2.10') =>
      decodeSflow(c.datagram([], { sequence, subAgent, agent }), ctx, out);
    send(1);
    send(2);
    send(5); // 3 and 4 lost
    send(100, 1); // another sub-agent: a new domain
    send(101, 1);
    send(7, 0, '2001:db8::1'); // another agent
    send(4); // older than expected: reordered, not lost
    send(9, 0, '2001:db8::1'); // 8 lost
    const unknownAgent = (sequence: number) => c.concat(c.u32(5, 0, 0, sequence, 0, 0));
    decodeSflow(unknownAgent(1), ctx, out);
    decodeSflow(unknownAgent(4), ctx, out); // address type 0 ("unknown"): its own domain, 2 lost
    assert.equal(ctx.exporter.stats.lostPackets, 5);
    assert.equal(ctx.exporter.domains.size, 4);
  });

  test('flow sample sequence gaps per data source count lost flows', () => {
    const { ctx, out } = setup();
    const s = (sequence: number, sourceIndex: number) =>
      c.flowSample([tcpHeader(1)], { sequence, sourceIndex });
    decodeSflow(c.datagram([s(1, 3), s(2, 3), s(1, 4)], { sequence: 1 }), ctx, out);
    decodeSflow(c.datagram([s(6, 3), s(2, 4)], { sequence: 2 }), ctx, out); // 3, 4, 5 of source 3 lost
    decodeSflow(
      c.datagram([c.expandedFlowSample([tcpHeader(1)], { sequence: 9, sourceIndex: 4 })], { sequence: 3 }),
      ctx,
      out,
    );
    assert.equal(ctx.exporter.stats.lostFlows, 3 + 6);
    assert.equal(ctx.exporter.stats.lostPackets, 0);
  });
});
