import { appDecoders } from '../src/agent/app/decoders.js';
import { createAgentPipeline } from '../src/agent/pipeline.js';
import { createTcpTracker } from '../src/agent/tcp/tracker.js';
import { parsePacket } from '../src/capture/link.js';
import { PacketInfo } from '../src/capture/packet-info.js';
import type { PacketHandler } from '../src/capture/reader.js';
import { openCaptureFile } from '../src/capture/reader.js';

/**
 * `node dist/bench/agent-stages.js FILE STAGE`: one pass over a capture with part of the agent
 * switched on, to see what each part costs: `read` (the reader only), `parse` (+ link, IP and
 * transport headers), `flows` (+ the flow table and records), `tcp` (+ the TCP tracker), `apps`
 * (flows + the decoders, no TCP tracker), `all` (as `flowlens agent --read FILE --timestamps
 * capture`). Prints CPU ns per packet while reading, and the CPU per record of the final export
 * (`finish`: every flow still in the table). Differences between stages are each part's cost.
 */
const stages = ['read', 'parse', 'flows', 'tcp', 'apps', 'all'] as const;
type Stage = (typeof stages)[number];
const [file, stageArg] = process.argv.slice(2);
if (file === undefined || !stages.includes(stageArg as Stage))
  throw new Error(`usage: agent-stages.js FILE ${stages.join('|')}`);
const stage = stageArg as Stage;
const maxFlows = 262_144;

async function main() {
  let n = 0;
  let sink = 0;
  let handler: PacketHandler;
  const pipeline =
    stage === 'read' || stage === 'parse'
      ? undefined
      : createAgentPipeline(
          {
            sink: {
              write: (b) => {
                sink += b.length;
              },
            },
            tcp: stage === 'tcp' || stage === 'all' ? createTcpTracker(maxFlows) : undefined,
            apps: stage === 'apps' || stage === 'all' ? appDecoders() : undefined,
          },
          { timestamps: 'capture', maxFlows },
        );
  if (pipeline !== undefined) handler = pipeline.onPacket;
  else if (stage === 'read')
    handler = (buf, offset) => {
      n++;
      sink += buf[offset]!; // a byte of each packet, as any parser reads
    };
  else {
    const info = new PacketInfo();
    handler = (buf, offset, length, _ms, linkType) => {
      n++;
      sink += parsePacket(buf, offset, length, linkType, info) + info.srcPort;
    };
  }
  const { reader, close } = await openCaptureFile(file!);
  const start = process.cpuUsage();
  await reader.read(handler);
  const read = process.cpuUsage(start);
  const before = pipeline?.stats.records ?? 0;
  const finishStart = process.cpuUsage();
  pipeline?.finish();
  const finish = process.cpuUsage(finishStart);
  await close();
  const packets = pipeline?.stats.packets ?? n;
  const finishRecords = (pipeline?.stats.records ?? 0) - before;
  const out = {
    stage,
    packets,
    cpu_s: (read.user + read.system) / 1e6,
    ns_per_packet_cpu: Math.round(((read.user + read.system) * 1000) / Math.max(1, packets)),
    finish_records: finishRecords,
    finish_ns_per_record:
      finishRecords === 0 ? 0 : Math.round(((finish.user + finish.system) * 1000) / finishRecords),
    sink: sink % 7, // keeps the reads from being optimized away
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `agent-stages failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
