import type { Dir, TcpSegment } from '../../src/agent/contract.js';
import { ACK, C, FIN, handshake, PSH, RST, S, SYN, seg } from './tcp-segments.js';

/**
 * Hand-built TCP conversations, one rule of the analysis each. The unit tests beside the tracker
 * state what each must give (with their reasoning); test/agent-tcp-scenarios.test.ts writes them
 * to pcap files and checks that tshark agrees.
 * After handshake() the client's next sequence number is 1001, the server's 5001, the initial RTT
 * 30 ms, and the server's last ACK (its SYN/ACK, at 10 ms) acknowledges 1001.
 */
const data = (dir: Dir, t: number, seq: number, ack: number, len: number) => seg(dir, t, seq, ack, ACK, len);

/** Two segments dropped after capture, the first sent again 268 ms later (> the 30 ms RTT). */
const afterRto = [
  ...handshake(),
  data(C, 31, 1001, 5001, 100),
  data(C, 32, 1101, 5001, 100),
  data(C, 300, 1001, 5001, 100),
];

/** 1101 overtakes 1001, which follows `delay` ms later. */
const overtaken = (delay: number) => [
  ...handshake(),
  data(C, 31, 1101, 5001, 100),
  data(C, 31 + delay, 1001, 5001, 100),
];

/** No handshake: the same with the default 3 ms window. */
const overtakenNoHandshake = (delay: number) => [data(C, 0, 1101, 1, 100), data(C, delay, 1001, 1, 100)];

/**
 * Three segments, then the server's ACKs of 1001: the first changes the window (65535 on the
 * SYN/ACK → 1000), the next two repeat it (duplicate ACKs 1 and 2, the last at 36 ms); then 1001
 * is sent again at `resendAt`.
 */
const dupAcksThenResend = (resendAt: number) => [
  ...handshake(),
  data(C, 31, 1001, 5001, 100),
  data(C, 32, 1101, 5001, 100),
  data(C, 33, 1201, 5001, 100),
  seg(S, 34, 5001, 1001, ACK),
  seg(S, 35, 5001, 1001, ACK),
  seg(S, 36, 5001, 1001, ACK),
  data(C, resendAt, 1001, 5001, 100),
];

/**
 * Two duplicate ACKs of 1001, then an ACK of 1101 (the count restarts), one duplicate of it, and
 * 1101 sent again 1 ms later.
 */
const dupAcksThenNewAck = [
  ...dupAcksThenResend(0).slice(0, 9),
  seg(S, 37, 5001, 1101, ACK),
  seg(S, 38, 5001, 1101, ACK),
  data(C, 39, 1101, 5001, 100),
];

/**
 * The client's duplicate ACK of 5001, then the server acknowledges client data never captured
 * (1101), then one more duplicate ACK from the client, and the server resends 5001 1 ms later.
 */
const ackOfUnseenData = [
  ...handshake(),
  data(S, 31, 5001, 1001, 100),
  data(S, 32, 5101, 1001, 100),
  seg(C, 33, 1001, 5001, ACK),
  seg(S, 34, 5201, 1101, ACK),
  seg(C, 35, 1001, 5001, ACK),
  data(S, 36, 5001, 1001, 100),
];

/** 1001 sent again after the server acknowledged it (1101). */
const spurious = [
  ...handshake(),
  data(C, 31, 1001, 5001, 100),
  seg(S, 40, 5001, 1101, ACK),
  data(C, 41, 1001, 5001, 100),
];

/** Keep-alives of 0 and 1 byte at next-1, each answered by the server's unchanged ACK. */
const keepAlives = [
  ...handshake(),
  seg(C, 5000, 1000, 5001, ACK, 0),
  seg(S, 5001, 5001, 1001, ACK, 0, 65535),
  seg(C, 6000, 1000, 5001, ACK, 1),
  seg(S, 6001, 5001, 1001, ACK, 0, 65535),
];

/** The server's window closes (3 segments with window 0), the client probes twice, then it opens. */
const zeroWindowProbes = [
  ...handshake(),
  seg(S, 40, 5001, 1001, ACK, 0, 0),
  seg(C, 240, 1001, 5001, ACK, 1),
  seg(S, 241, 5001, 1001, ACK, 0, 0),
  seg(C, 640, 1001, 5001, ACK, 1),
  seg(S, 641, 5001, 1001, ACK, 0, 0),
  seg(S, 700, 5001, 1001, ACK, 0, 500),
  data(C, 701, 1001, 5001, 100),
];

/**
 * A 1-byte segment at 240 ms (new data: no zero window was seen), then 100 bytes from the same
 * sequence number (the byte sent again with more): Wireshark's rule for probes whose zero window
 * was not captured makes it new data.
 */
const probeByteResentWithData = [...handshake(), data(C, 240, 1001, 5001, 1), data(C, 700, 1001, 5001, 100)];

/** A FIN sent again 1 ms later (within the RTT): the FIN's sequence number counts in "ends where the next is". */
const finResentQuickly = [
  ...handshake(),
  seg(C, 40, 1001, 5001, FIN | ACK),
  seg(C, 41, 1001, 5001, FIN | ACK),
];

const synResent = [seg(C, 0, 1000, 0, SYN, 0, 65535, 7), seg(C, 1000, 1000, 0, SYN, 0, 65535, 7)];
const finResent = [...handshake(), seg(C, 40, 1001, 5001, FIN | ACK), seg(C, 300, 1001, 5001, FIN | ACK)];

/** Old sequence numbers without data, SYN or FIN. */
const emptySegments = [
  ...handshake(),
  data(C, 31, 1001, 5001, 100),
  seg(C, 300, 1001, 5001, ACK),
  seg(C, 301, 900, 5001, ACK),
];

/** ISN 0xffffff00: 512 bytes from 0xffffff01 end at 0x101 (wrapped); 0xffffff01 sent again; new data at 0x201. */
const wraparound = [
  ...handshake(0xffffff00, 5000),
  data(C, 31, 0xffffff01, 5001, 512),
  data(C, 32, 0x101, 5001, 100),
  data(C, 500, 0xffffff01, 5001, 512),
  data(C, 501, 0x201, 5001, 100),
];

/** 1001 retransmitted three times, 1101 once. */
const repeated = [
  ...afterRto.slice(0, 5),
  data(C, 300, 1001, 5001, 100),
  data(C, 900, 1001, 5001, 100),
  data(C, 901, 1101, 5001, 100),
  data(C, 2000, 1001, 5001, 100),
];

/** A connection closes; a new one on the same ports (ISN 700) sends data at 701, below the old 5002. */
const portReuse = [
  ...handshake(),
  data(C, 31, 1001, 5001, 4000),
  seg(C, 40, 5001, 5001, FIN | ACK),
  seg(C, 2000, 700, 0, SYN, 0, 65535, 7),
  seg(S, 2005, 9000, 701, SYN | ACK, 0, 65535, 7),
  seg(C, 2015, 701, 9001, ACK),
  data(C, 2016, 701, 9001, 100),
];

/** SYN (client scale `cs`), SYN/ACK (server scale `ss`), then one ACK each way, raw windows 512 and 100. */
const scaled = (cs: number, ss: number) => [
  seg(C, 0, 1000, 0, SYN, 0, 65535, cs),
  seg(S, 1, 5000, 1001, SYN | ACK, 0, 65535, ss),
  seg(C, 2, 1001, 5001, ACK, 0, 512),
  seg(S, 3, 5001, 1001, ACK, 0, 100),
];

const synWindows = [seg(C, 0, 1000, 0, SYN, 0, 65535, 7), seg(S, 1, 5000, 1001, SYN | ACK, 0, 29200, 7)];

/** The client's SYN was not captured. */
const synAckOnly = [
  seg(S, 1, 5000, 1001, SYN | ACK, 0, 65535, 9),
  seg(C, 2, 1001, 5001, ACK, 0, 512),
  seg(S, 3, 5001, 1001, ACK, 0, 100),
];

/** Shifts 200 (used as 14) and 14; the largest raw window. */
const shiftCap = [
  seg(C, 0, 1000, 0, SYN, 0, 65535, 200),
  seg(S, 1, 5000, 1001, SYN | ACK, 0, 65535, 14),
  seg(C, 2, 1001, 5001, ACK, 0, 1),
  seg(S, 3, 5001, 1001, ACK, 0, 65535),
];

/** Window 0 on a SYN, SYN/ACK, ACK, data, FIN and RST. */
const zeroWindows = [
  seg(C, 0, 1000, 0, SYN, 0, 0),
  seg(S, 1, 5000, 1001, SYN | ACK, 0, 0),
  seg(C, 2, 1001, 5001, ACK, 0, 0),
  seg(S, 3, 5001, 1001, ACK, 10, 0),
  seg(S, 4, 5011, 1001, FIN | ACK, 0, 0),
  seg(C, 5, 1001, 5012, RST, 0, 0),
];

/** SYN at 0, SYN/ACK at 0.4 ms, ACK at 1.9 ms. */
const subMillisecond = [
  seg(C, 0, 1000, 0, SYN),
  seg(S, 0.4, 5000, 1001, SYN | ACK),
  seg(C, 1.9, 1001, 5001, ACK),
];

/** The first SYN was lost (sent again at 1000 ms); the SYN/ACK sent twice (1010, 2010); ACK at 2030. */
const resentHandshake = [
  seg(C, 0, 1000, 0, SYN),
  seg(C, 1000, 1000, 0, SYN),
  seg(S, 1010, 5000, 1001, SYN | ACK),
  seg(S, 2010, 5000, 1001, SYN | ACK),
  seg(C, 2030, 1001, 5001, ACK),
];

const noSynAck = [seg(C, 0, 1000, 0, SYN), seg(C, 30, 1001, 5001, ACK)];

/** A request in two segments (the last at 45 ms), the response from 145 ms, a second exchange. */
const request = [
  ...handshake(),
  data(C, 40, 1001, 5001, 50),
  seg(C, 45, 1051, 5001, PSH | ACK, 50),
  seg(S, 145, 5001, 1101, PSH | ACK, 500),
  seg(C, 200, 1101, 5501, PSH | ACK, 50),
  seg(S, 900, 5501, 1151, PSH | ACK, 500),
];

/** The server sends first (a banner). */
const serverFirst = [
  ...handshake(),
  seg(S, 40, 5001, 1001, PSH | ACK, 30),
  seg(C, 50, 1001, 5031, PSH | ACK, 20),
  seg(S, 90, 5031, 1021, ACK, 30),
];

/** A request at 40 ms, a keep-alive byte at 5000 ms, the response at 5100 ms. */
const keepAliveBeforeResponse = [
  ...handshake(),
  seg(C, 40, 1001, 5001, PSH | ACK, 50),
  seg(C, 5000, 1050, 5001, ACK, 1),
  seg(S, 5100, 5001, 1051, PSH | ACK, 100),
];

export const tcpScenarios: Record<string, TcpSegment[]> = {
  afterRto,
  overtakenBy9ms: overtaken(9),
  overtakenBy31ms: overtaken(31),
  overtakenBy2999usNoHandshake: overtakenNoHandshake(2.999),
  overtakenBy3msNoHandshake: overtakenNoHandshake(3),
  fastRetransmission: dupAcksThenResend(37),
  resentAfter24msOfDupAcks: dupAcksThenResend(60),
  dupAcksThenNewAck,
  ackOfUnseenData,
  spurious,
  keepAlives,
  zeroWindowProbes,
  probeByteResentWithData,
  synResent,
  finResent,
  finResentQuickly,
  emptySegments,
  wraparound,
  repeated,
  portReuse,
  scaledBoth: scaled(7, 9),
  scaledSynOnly: scaled(7, -1),
  scaledSynAckOnly: scaled(-1, 9),
  scaledNeither: scaled(-1, -1),
  synWindows,
  synAckOnly,
  shiftCap,
  zeroWindows,
  handshake: handshake(),
  subMillisecond,
  resentHandshake,
  noSynAck,
  request,
  serverFirst,
  keepAliveBeforeResponse,
};
