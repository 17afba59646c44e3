import { parseArgs } from 'node:util';
import { appDecoders } from '../src/agent/app/decoders.js';
import type { AppDecoder, AppFieldSink, AppPayload } from '../src/agent/contract.js';
import { createAgentPipeline } from '../src/agent/pipeline.js';
import { createTcpTracker } from '../src/agent/tcp/tracker.js';
import { openCaptureFile } from '../src/capture/reader.js';

/**
 * `node dist/bench/agent-decoders.js FILE [--packets N] [--rounds R] [--builds DIR...]`: prices
 * each application decoder alone. Runs the pipeline over the first N packets of a capture (as
 * agent-run.js: TCP tracker, every decoder) with each decoder wrapped to record its calls — the
 * payload bytes, direction, sequence number, time, and the flow's exports — then replays each
 * decoder's calls into new decoders R times and prints the CPU ns per payload (median of the
 * rounds after the first). The sink copies text bytes as the flow table's arena does and keeps no
 * field. `--builds` replays into the decoders of other compiled trees instead (dist directories,
 * e.g. copies of a build before and after a change), alternating round by round in this one
 * process: an A/B of decoder changes that the flow table's cost and the machine's noise do not
 * drown. The tree that records is then not replayed: its decoders' code has seen the flow table's
 * sink as well (call sites made polymorphic), and measured no faster than the build before a
 * change that fresh copies of it showed a quarter faster.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    packets: { type: 'string', default: '1500000' },
    rounds: { type: 'string', default: '9' },
    builds: { type: 'string', multiple: true },
  },
});
const file = positionals[0];
if (file === undefined)
  throw new Error('usage: agent-decoders.js FILE [--packets N] [--rounds R] [--builds DIR...]');

/** Per recorded call: kind (0 payload, 1 exported), flow, offset, length, wire length, time, dir, tcp, seq. */
const FIELDS = 9;

interface Recording {
  protocol: string;
  calls: number;
  events: number[];
}

type Decoders = () => AppDecoder<unknown>[];

async function record(maxPackets: number) {
  let bytes = new Uint8Array(1 << 24);
  let used = 0;
  const recordings: Recording[] = [];
  const wrap = (dec: AppDecoder<unknown>): AppDecoder<{ id: number; inner: unknown }> => {
    const rec: Recording = { protocol: dec.protocol, calls: 0, events: [] };
    recordings.push(rec);
    let flows = 0;
    return {
      protocol: dec.protocol,
      errors: dec.errors,
      matchesPorts: (c, s, t) => dec.matchesPorts(c, s, t),
      ...(dec.matchesContent === undefined
        ? {}
        : { matchesContent: (p: AppPayload) => dec.matchesContent!(p) }),
      newState: () => ({ id: flows++, inner: dec.newState() }),
      exported(s) {
        rec.events.push(1, s.id, 0, 0, 0, 0, 0, 0, 0);
        dec.exported?.(s.inner);
      },
      payload(s, p, out) {
        const n = p.end - p.start;
        if (used + n > bytes.length) {
          const grown = new Uint8Array(bytes.length * 2);
          grown.set(bytes.subarray(0, used));
          bytes = grown;
        }
        bytes.set(p.buf.subarray(p.start, p.end), used);
        rec.events.push(
          0,
          s.id,
          used,
          n,
          p.wireLength,
          p.timeMs,
          p.dir,
          p.transport === 'tcp' ? 1 : 0,
          p.seq,
        );
        rec.calls++;
        used += n;
        return dec.payload(s.inner, p, out);
      },
    };
  };
  const pipeline = createAgentPipeline(
    { sink: { write() {} }, tcp: createTcpTracker(262_144), apps: appDecoders().map(wrap) },
    { timestamps: 'capture', maxFlows: 262_144 },
  );
  const { reader, close } = await openCaptureFile(file!);
  let n = 0;
  const onPacket = pipeline.onPacket;
  await reader.read((buf, offset, length, ms, linkType, original) => {
    onPacket(buf, offset, length, ms, linkType, original);
    return ++n < maxPackets;
  });
  pipeline.finish();
  await close();
  return { bytes, packets: n, recordings };
}

/** A sink that copies text bytes into a ring (as the flow table's arena copies them) and keeps nothing. */
class CopyingSink implements AppFieldSink {
  private readonly ring = new Uint8Array(1 << 20);
  private at = 0;
  check = 0;
  setString(_c: string, v: string): void {
    this.check += v.length;
  }
  setNumber(_c: string, v: number): void {
    this.check += v;
  }
  setAddress(_c: string, buf: Uint8Array, offset: number): void {
    this.check += buf[offset]!;
  }
  setText(_c: string, buf: Uint8Array, start: number, end: number): void {
    if (this.at + end - start > this.ring.length) this.at = 0;
    for (let i = start; i < end; i++) this.ring[this.at++] = buf[i]!;
  }
}

function replay(
  decoders: Decoders,
  index: number,
  rec: Recording,
  bytes: Uint8Array,
  sink: CopyingSink,
): number {
  const dec = decoders()[index]!;
  const ev = rec.events;
  const states: unknown[] = [];
  const p: AppPayload = {
    buf: bytes,
    start: 0,
    end: 0,
    wireLength: 0,
    timeMs: 0,
    dir: 0,
    transport: 'tcp',
    seq: 0,
    skipping: false,
    skipUntil: 0,
  };
  const c0 = process.cpuUsage();
  for (let i = 0; i < ev.length; i += FIELDS) {
    const id = ev[i + 1]!;
    let st = states[id];
    if (st === undefined) st = states[id] = dec.newState();
    if (ev[i] === 1) {
      dec.exported?.(st);
      continue;
    }
    p.start = ev[i + 2]!;
    p.end = p.start + ev[i + 3]!;
    p.wireLength = ev[i + 4]!;
    p.timeMs = ev[i + 5]!;
    p.dir = ev[i + 6] as 0 | 1;
    p.transport = ev[i + 7] === 1 ? 'tcp' : 'udp';
    p.seq = ev[i + 8]!;
    p.skipping = false;
    dec.payload(st, p, sink);
  }
  const c = process.cpuUsage(c0);
  return Math.round(((c.user + c.system) * 1000) / Math.max(1, rec.calls));
}

async function main() {
  const { bytes, packets, recordings } = await record(Number(values.packets));
  const builds: { name: string; decoders: Decoders }[] = [];
  if (values.builds === undefined) builds.push({ name: 'this', decoders: appDecoders });
  for (const dir of values.builds ?? []) {
    const mod = (await import(`${dir}/src/agent/app/decoders.js`)) as { appDecoders: Decoders };
    builds.push({ name: dir, decoders: mod.appDecoders });
  }
  const used = recordings.map((r, i) => ({ r, i })).filter(({ r }) => r.calls > 1000);
  const times = builds.map(() => used.map(() => [] as number[]));
  const sink = new CopyingSink();
  const rounds = Number(values.rounds);
  for (let round = 0; round < rounds; round++) {
    const order = builds.map((_, b) => b);
    if (round % 2 === 1) order.reverse();
    for (const b of order)
      used.forEach(({ r, i }, k) => {
        const ns = replay(builds[b]!.decoders, i, r, bytes, sink);
        if (round > 0) times[b]![k]!.push(ns);
      });
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1] ?? 0;
  const out = {
    packets,
    payloads: Object.fromEntries(used.map(({ r }) => [r.protocol, r.calls])),
    ns_per_payload: builds.map((b, bi) => ({
      build: b.name,
      ...Object.fromEntries(used.map(({ r }, k) => [r.protocol, median(times[bi]![k]!)])),
      rounds: Object.fromEntries(used.map(({ r }, k) => [r.protocol, times[bi]![k]!])),
    })),
    check: sink.check % 7,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `agent-decoders failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
