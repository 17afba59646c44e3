import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseNetDev } from './proc-net-dev.js';
import { parseNetSnmp, parseNetSnmp6, udpCounters } from './proc-net-snmp.js';

const netDev = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 80225498089 12326778    0    0    0     0          0         0 80225498089 12326778    0    0    0     0       0          0
  eth0: 1000 10 1 2 3 4 5 6 2000 20 7 8 9 10 11 12
veth1a2b3c4d: 5 1 0 0 0 0 0 0 6 1 0 0 0 0 0 0
eth1:123 4 0 0 0 0 0 0 456 7 0 0 0 0 0 0
 bad0: 1 2 3
`;

test('/proc/net/dev: bytes, packets, errors and drops of both directions per interface', () => {
  const ifaces = parseNetDev(netDev);
  assert.deepEqual([...ifaces.keys()], ['lo', 'eth0', 'veth1a2b3c4d', 'eth1']); // bad0 is short: skipped
  // eth0: rx = 1000 bytes 10 packets 1 errs 2 drop (3 fifo 4 frame 5 compressed 6 multicast),
  // tx = 2000 bytes 20 packets 7 errs 8 drop (the rest are fifo, colls, carrier, compressed).
  assert.deepEqual(ifaces.get('eth0'), {
    rxBytes: 1000,
    rxPackets: 10,
    rxErrors: 1,
    rxDrops: 2,
    txBytes: 2000,
    txPackets: 20,
    txErrors: 7,
    txDrops: 8,
  });
  assert.equal(ifaces.get('lo')?.rxBytes, 80225498089);
  // A name as long as the column leaves no space before the numbers; old kernels printed none.
  assert.equal(ifaces.get('veth1a2b3c4d')?.txBytes, 6);
  assert.equal(ifaces.get('eth1')?.rxBytes, 123);
  assert.equal(ifaces.get('eth1')?.txPackets, 7);
});

const snmp = `Ip: Forwarding DefaultTTL InReceives
Ip: 2 64 12363561
Tcp: RtoAlgorithm RtoMin RtoMax MaxConn CurrEstab
Tcp: 1 200 120000 -1 5
Udp: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
Udp: 10028453 15248 5007 10048831 4990 0 17 0 0
UdpLite: InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors IgnoredMulti MemErrors
UdpLite: 1 2 3 4 5 6 7 8 9
Icmp: InMsgs InErrors
`;

test('/proc/net/snmp: header and value lines pair up per protocol', () => {
  const protos = parseNetSnmp(snmp);
  assert.deepEqual([...protos.keys()], ['Ip', 'Tcp', 'Udp', 'UdpLite']); // Icmp has no value line
  assert.equal(protos.get('Tcp')?.get('MaxConn'), -1);
  const udp = udpCounters(protos, undefined, 'ipv4');
  assert.equal(udp.get('InDatagrams'), 10028453);
  assert.equal(udp.get('NoPorts'), 15248);
  assert.equal(udp.get('InErrors'), 5007);
  assert.equal(udp.get('RcvbufErrors'), 4990);
  assert.equal(udp.get('InCsumErrors'), 17);
  assert.equal(udp.get('OutDatagrams'), 10048831);
  assert.equal(udp.size, 9);
});

test('/proc/net/snmp6: the Udp6 counters, not UdpLite6 ones', () => {
  const text =
    'Ip6InReceives                   \t100\nUdp6InDatagrams                 \t42\nUdp6RcvbufErrors                \t3\nUdpLite6InDatagrams             \t9\n';
  const counters = parseNetSnmp6(text);
  assert.equal(counters.get('Ip6InReceives'), 100);
  const udp6 = udpCounters(undefined, counters, 'ipv6');
  assert.deepEqual(
    [...udp6],
    [
      ['InDatagrams', 42],
      ['RcvbufErrors', 3],
    ],
  );
});
