import { appDecoders } from '../agent/app/decoders.js';
import { defaultAgentConfig } from '../agent/config.js';
import type { FlowRecordSink, PacketSource } from '../agent/contract.js';
import { type AgentExport, createAgentExport } from '../agent/export/agent-export.js';
import { AgentOps } from '../agent/ops/agent-ops.js';
import { type ExportOutcome, finishExport, recordSink } from '../agent/ops/export-run.js';
import { RecordTotals } from '../agent/ops/record-totals.js';
import { createAgentPipeline, runAgent } from '../agent/pipeline.js';
import { recordLine, recordObject } from '../agent/record-output.js';
import { createTcpTracker } from '../agent/tcp/tracker.js';
import { LineOutput } from '../capture/output.js';
import type { PacketHandler } from '../capture/reader.js';
import { CaptureReader, openCaptureFile } from '../capture/reader.js';
import { StreamSource } from '../capture/source.js';
import { type AgentOptions, agentUsage, parseAgentArgs } from './agent-args.js';
import { type LiveSource, openLiveSource } from './agent-live.js';

/** The packet source the options name, and how to release it. */
async function openSource(
  options: AgentOptions,
): Promise<{ source: PacketSource; close(): Promise<void>; live?: LiveSource }> {
  if (options.live !== undefined) {
    const live = await openLiveSource(options.live, (line) => process.stderr.write(`${line}\n`));
    return { source: live.source, close: () => live.close(), live };
  }
  const file = options.read ?? '-';
  if (file === '-') {
    // A reader of its own (not readCaptureStream) so that its error counts are in the metrics.
    return { source: new CaptureReader(new StreamSource(process.stdin)), close: async () => {} };
  }
  const { reader, close } = await openCaptureFile(file);
  return { source: reader, close };
}

/** Where records go: standard output, as JSON lines or text lines. */
function printSink(options: AgentOptions, out: LineOutput): FlowRecordSink {
  const line = options.format === 'json' ? recordObjectLine : recordLine;
  return {
    write(batch) {
      for (let row = 0; row < batch.length; row++) out.line(line(batch, row));
      out.flush(); // a live capture's records leave as they are exported
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
  let exp: AgentExport | undefined;
  try {
    exp = createAgentExport(options.export, process.env, {
      log: (line) => process.stderr.write(`flowlens agent: ${line}\n`),
    });
  } catch (err) {
    process.stderr.write(`flowlens agent: ${(err as Error).message}\n`);
    return 2;
  }
  let opened: Awaited<ReturnType<typeof openSource>>;
  try {
    opened = await openSource(options);
  } catch (err) {
    process.stderr.write(
      `flowlens agent: ${options.read ?? options.live?.interface}: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    await exp?.close();
    return 1;
  }
  const out = new LineOutput(process.stdout);
  const apps = appDecoders();
  const totals = new RecordTotals();
  const pipeline = createAgentPipeline(
    {
      sink: totals.counting(recordSink(exp, options.print ? printSink(options, out) : undefined)),
      tcp: createTcpTracker(options.config.maxFlows ?? defaultAgentConfig.maxFlows),
      apps,
    },
    options.config,
  );
  opened.live?.attach(pipeline);
  const onPacket: PacketHandler = (buf, offset, length, ms, linkType, originalLength) => {
    pipeline.onPacket(buf, offset, length, ms, linkType, originalLength);
    return !out.closed;
  };
  const reader = opened.source instanceof CaptureReader ? opened.source : undefined;
  const ops = new AgentOps(
    {
      pipeline,
      apps,
      totals,
      exporter: exp,
      capture: () => reader?.stats ?? opened.live?.captureStats(),
      kernelDrops: opened.live?.kernelDrops,
      captureFailure: opened.live?.failure,
      longRunning: options.read === '-' || options.live !== undefined,
      dataDir: options.export['spool-dir'],
      log: (line) => process.stderr.write(`flowlens agent: ${line}\n`),
    },
    options.ops,
  );
  let summary: Awaited<ReturnType<PacketSource['read']>> | undefined;
  let exported: ExportOutcome | undefined;
  try {
    await ops.start();
    for (const line of ops.describe()) process.stderr.write(`flowlens agent: ${line}\n`);
    summary = await runAgent({ read: () => opened.source.read(onPacket) }, pipeline);
    await out.end();
    if (exp !== undefined) exported = await finishExport(exp, options.ops.flushTimeoutMs);
  } catch (err) {
    if (exported === undefined) await exp?.close().catch(() => {});
    if (summary !== undefined) throw err;
    process.stderr.write(`flowlens agent: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await Promise.all([opened.close(), ops.stop()]);
  }
  for (const message of exported?.messages ?? []) process.stderr.write(`flowlens agent: ${message}\n`);
  const failure = opened.live?.failure();
  if (failure !== undefined) process.stderr.write(`flowlens agent: ${options.live?.interface}: ${failure}\n`);
  const s = summary.stats;
  if (s.firstError !== undefined) {
    const more = s.totalErrors() - 1;
    process.stderr.write(
      `flowlens agent: ${options.read ?? options.live?.interface}: ${s.firstError}${more > 0 ? ` (and ${more} more errors)` : ''}\n`,
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
    ...(exported === undefined ? {} : { export: exported.summary }),
    ...(opened.live === undefined ? {} : { live: opened.live.report() }),
  };
  process.stderr.write(`${JSON.stringify(report)}\n`);
  return summary.format === undefined || exported?.lost || failure !== undefined ? 1 : 0;
}
