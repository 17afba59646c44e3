import * as c from './sflow-craft.js';

/**
 * sFlow datagrams covering what the real captures lack, for the tshark comparison: counter
 * samples (compact and expanded, with a record type we skip), QinQ, MPLS, IPv6 extension headers,
 * an IPv6 agent, sampled IPv4/Ethernet records without a raw header, discarded and multiple
 * output interfaces, an IPv6 next hop and a multi-segment AS path, an unknown enterprise record.
 */
export function craftedSflowDatagrams(): Uint8Array[] {
  const ethernetCounters = c.tagged(2, c.u32(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13));
  const counters = c.datagram(
    [
      c.counterSample(
        [
          c.genericInterfaceCounters({
            ifIndex: 7,
            speed: 1e10,
            inOctets: 2 ** 40 + 5,
            inUcast: 11,
            inMcast: 2,
            inBcast: 1,
            outOctets: 99,
            outUcast: 4,
            outErrors: 3,
            promiscuous: 1,
          }),
          ethernetCounters,
          c.genericInterfaceCounters({
            ifIndex: 8,
            ifType: 53,
            speed: 1e9,
            direction: 2,
            status: 1,
            inDiscards: 6,
            inErrors: 5,
            inUnknown: 4,
            outDiscards: 2,
          }),
        ],
        5,
        7,
      ),
      c.counterSample(
        [c.genericInterfaceCounters({ ifIndex: 9, status: 0, outMcast: 77, outBcast: 66 })],
        6,
        9,
        true,
      ),
    ],
    { sequence: 10 },
  );
  const qinq = c.flowSample(
    [
      c.rawHeader(
        c.ethernet(c.ipv4(c.tcp(40000, 443, 0x12), { tos: 0xb8 }), {
          tags: [
            [0x88a8, 0x2000 | 300],
            [0x8100, 42],
          ],
        }),
        1522,
      ),
    ],
    { sequence: 100, rate: 2048, input: 5, output: 6 },
  );
  const mpls = c.flowSample(
    [
      c.rawHeader(
        c.ethernet(c.concat(c.u16(0x3e8, 0x0ff), c.u16(0x7d0, 0x1140), c.ipv4(c.icmp(8, 0), { proto: 1 })), {
          type: 0x8847,
        }),
        98,
      ),
    ],
    { sequence: 101, rate: 2048, output: (1 << 30) | 5 },
  );
  const v6 = c.expandedFlowSample(
    [
      c.rawHeader(
        c.ethernet(
          c.ipv6(c.ipv6Extension(60, c.ipv6Extension(17, c.udp(5353, 53, [1, 2, 3, 4]))), {
            next: 0,
            tclass: 0x2e,
          }),
        ),
        200,
      ),
      c.extendedRouter('2001:db8::ff', 48, 64),
      c.extendedGateway({
        nextHop: '2001:db8::fe',
        as: 64500,
        srcAs: 0,
        peerAs: 64501,
        path: [
          [64501, 64502],
          [64510, 64511],
        ],
        communities: [1, 2],
      }),
      c.tagged(7, c.u32(1, 2, 3), 4413),
    ],
    { sequence: 7, sourceIndex: 12, rate: 512, input: 1000, outputFormat: 2, output: 3 },
  );
  const sampledOnly = c.flowSample(
    [
      c.sampledEthernet(1514, '02:aa:bb:cc:dd:01', '02:aa:bb:cc:dd:02'),
      c.sampledIPv4({
        length: 1500,
        proto: 17,
        src: '198.51.100.1',
        dst: '203.0.113.9',
        sport: 123,
        dport: 4567,
        tos: 0,
      }),
      c.extendedSwitch(10, 20),
    ],
    { sequence: 102, rate: 4096, output: (2 << 30) | 7 },
  );
  const sampledV6 = c.flowSample(
    [
      c.sampledIPv6({
        length: 400,
        proto: 6,
        src: '2001:db8::5',
        dst: '2001:db8::6',
        sport: 22,
        dport: 50000,
        flags: 0x18,
        tos: 0x2e,
      }),
    ],
    { sequence: 104, rate: 10 },
  );
  const rawIp = c.flowSample(
    [
      c.rawHeader(c.ipv4(c.udp(9999, 53), { src: '192.0.2.200', dst: '192.0.2.201', proto: 17 }), 64, 11, 0),
      c.extendedSwitch(0xffffffff, 4095),
    ],
    { sequence: 103, rate: 1, input: 0x3fffffff },
  );
  const flows = c.datagram([qinq, mpls, v6, sampledOnly, sampledV6, rawIp], {
    agent: '2001:db8:1::1',
    subAgent: 3,
    sequence: 11,
  });
  return [counters, flows];
}
