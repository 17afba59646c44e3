/**
 * Run by test/synth-native-socket.test.ts inside the client namespace of a netns topology: sends
 * echo requests through the engine's native raw sockets to TARGET4 and TARGET6, once with the
 * default TTL / hop limit and once with 1 (a time exceeded from the first router), and prints
 * how each ended: outcome, who answered, the RTT, the answer's TTL / hop limit, and the time
 * between just before sendEcho and the listener's call (an upper bound of the RTT).
 */
import { IcmpEngine } from '../../src/synth/icmp/engine.js';
import type { ProbeListener } from '../../src/synth/icmp/probe-table.js';
import { monotonicNs } from '../../src/synth/icmp/socket.js';

const [target4, target6] = process.argv.slice(2);
const engine = IcmpEngine.open();
const out: Record<string, unknown>[] = [];
const probes = [
  [4, target4!, 0],
  [4, target4!, 1],
  [6, target6!, 0],
  [6, target6!, 1],
] as const;
await new Promise<void>((resolve) => {
  let left = probes.length;
  for (const [i, [family, target, ttl]] of probes.entries()) {
    const startNs = monotonicNs();
    const listener: ProbeListener = {
      probeDone(_cookie, outcome, _code, from, rttMs, answerTtl) {
        const boundMs = (monotonicNs() - startNs) / 1e6;
        out[i] = { family, ttl, outcome, from, rttMs, answerTtl, boundMs };
        if (--left === 0) resolve();
      },
    };
    engine.sendEcho(family, target, 56, ttl, 2000, listener, i);
  }
});
engine.close();
process.stdout.write(`${JSON.stringify(out)}\n`);
