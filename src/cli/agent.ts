import { appDecoders } from '../agent/app/decoders.js';
import { defaultAgentConfig } from '../agent/config.js';
import type { FlowRecordSink, PacketSource } from '../agent/contract.js';
import { createAgentPipeline, runAgent } from '../agent/pipeline.js';
import { recordLine, recordObject } from '../agent/record-output.js';
import { createTcpTracker } from '../agent/tcp/tracker.js';
import { LineOutput } from '../capture/output.js';
import type { PacketHandler } from '../capture/reader.js';
import { openCaptureFile, readCaptureStream } from '../capture/reader.js';
import { type AgentOptions, agentUsage, parseAgentArgs } from './agent-args.js';

/** The packet source the options name, and how to release it. */
async function openSource(options: AgentOptions): Promise<{ source: PacketSource; close(): Promise<void> }> {
  if (options.read === '-') {
    return {
      source: { read: (onPacket) => readCaptureStream(process.stdin, onPacket) },
      close: async () => {},
    };
  }
  const { reader, close } = await openCaptureFile(options.read);
  return { source: reader, close };
}

/** Where records go: standard output, as JSON lines or text lines. */
function printSink(options: AgentOptions, out: LineOutput): FlowRecordSink {
  const line = options.format === 'json' ? recordObjectLine : recordLine;
  return {
    write(batch) {
      for (let row = 0; row < batch.length; row++) out.line(line(batch, row));
    },
  };
}

const recordObjectLine: typeof recordLine = (batch, row) => JSON.stringify(recordObject(batch, row));

export async function run(args: string[]): Promise<number> {
  const options = parseAgentArgs(args);
  if (options === undefined) {
    process.stdout.write(agentUsage);
    return 0;
  }
  if (typeof options === 'string') {
    process.stderr.write(`flowlens agent: ${options}\n\n${agentUsage}`);
    return 2;
  }
  let opened: Awaited<ReturnType<typeof openSource>>;
  try {
    opened = await openSource(options);
  } catch (err) {
    process.stderr.write(
      `flowlens agent: ${options.read}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    return 1;
  }
  const out = new LineOutput(process.stdout);
  const apps = appDecoders();
  const pipeline = createAgentPipeline(
    {
      sink: printSink(options, out),
      tcp: createTcpTracker(options.config.maxFlows ?? defaultAgentConfig.maxFlows),
      apps,
    },
    options.config,
  );
  const onPacket: PacketHandler = (buf, offset, length, ms, linkType, originalLength) => {
    pipeline.onPacket(buf, offset, length, ms, linkType, originalLength);
    return !out.closed;
  };
  let summary: Awaited<ReturnType<PacketSource['read']>>;
  try {
    summary = await runAgent({ read: () => opened.source.read(onPacket) }, pipeline);
  } finally {
    await opened.close();
  }
  await out.end();
  const s = summary.stats;
  if (s.firstError !== undefined) {
    const more = s.totalErrors() - 1;
    process.stderr.write(
      `flowlens agent: ${options.read}: ${s.firstError}${more > 0 ? ` (and ${more} more errors)` : ''}\n`,
    );
  }
  const appErrors: Record<string, Readonly<Record<string, number>>> = {};
  for (const app of apps) {
    const counted = Object.entries(app.errors).filter(([, n]) => n > 0);
    if (counted.length > 0) appErrors[app.protocol] = Object.fromEntries(counted);
  }
  const report = {
    capture_packets: s.packets,
    ...pipeline.stats.snapshot(),
    capture_errors: s.errorCounts(),
    app_errors: appErrors,
  };
  process.stderr.write(`${JSON.stringify(report)}\n`);
  return summary.format === undefined ? 1 : 0;
}
