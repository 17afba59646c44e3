import { parseArgs } from 'node:util';
import { captureErrorReasons } from '../capture/errors.js';
import { ExportDecoder } from '../capture/export-decoder.js';
import { counterLine, flowLine } from '../capture/flow-text.js';
import { LineOutput } from '../capture/output.js';
import {
  type CaptureSummary,
  type PacketHandler,
  readCaptureFile,
  readCaptureStream,
} from '../capture/reader.js';
import { createFlowBatch, createInterfaceCounterBatch } from '../flow/batch.js';
import type { DecodeTarget } from '../ingest/context.js';
import { DecodeStats } from '../ingest/stats.js';

const usage = `Usage: flowlens decode FILE... [--format json|text] [--counters] [--port N]

Decodes the NetFlow v5/v9, IPFIX and sFlow v5 export packets in pcap or pcapng captures and prints
one flow per line. Files are read in order and templates are learned across them, so give template
captures before data captures. FILE '-' reads a capture from standard input.

Each source address is an exporter (device ids 1, 2, … in order of appearance); a flow's
i_start_time is the minute of its packet's capture time. UDP on any port is decoded, and IPFIX
over TCP is reassembled from the stream.

Options:
  -f, --format json|text  json (default): one JSON object per flow, keyed by schema column names;
                          text: a compact line per flow
      --counters          also print interface counters (sFlow counter samples), with
                          "record":"interface_counters"
  -p, --port N            only packets to UDP/TCP destination port N
  -h, --help              print this help

A summary (packets, flows, errors by reason) goes to standard error as its last line, in JSON.
Exit status: 0 when every file was read (even with decode errors), 1 when a file could not be
opened or is not a capture, 2 on bad usage.
`;

interface Options {
  readonly files: string[];
  readonly format: 'json' | 'text';
  readonly counters: boolean;
  readonly port: number | undefined;
}

function parseOptions(args: string[]): Options | string | undefined {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  const { values, positionals } = parsed;
  if (values.help) return undefined;
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'text') return `--format must be json or text, not '${format}'`;
  let port: number | undefined;
  if (values.port !== undefined) {
    port = Number(values.port);
    if (!/^\d+$/.test(values.port) || port < 1 || port > 65535)
      return `--port must be 1-65535, not '${values.port}'`;
  }
  if (positionals.length === 0) return 'no capture file given';
  return { files: positionals, format, counters: values.counters ?? false, port };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    strict: true,
    options: {
      format: { type: 'string', short: 'f' },
      counters: { type: 'boolean' },
      port: { type: 'string', short: 'p' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export async function run(args: string[]): Promise<number> {
  const options = parseOptions(args);
  if (options === undefined) {
    process.stdout.write(usage);
    return 0;
  }
  if (typeof options === 'string') {
    process.stderr.write(`flowlens decode: ${options}\n\n${usage}`);
    return 2;
  }
  const out = new LineOutput(process.stdout);
  const target: DecodeTarget = { flows: createFlowBatch(), counters: createInterfaceCounterBatch() };
  const stats = new DecodeStats();
  const printRows = (): void => {
    const { flows, counters } = target;
    for (let i = 0; i < flows.length; i++) {
      out.line(options.format === 'json' ? JSON.stringify(flows.rowObject(i)) : flowLine(flows, i));
    }
    if (options.counters) {
      for (let i = 0; i < counters.length; i++) {
        out.line(
          options.format === 'json'
            ? JSON.stringify({ record: 'interface_counters', ...counters.rowObject(i) })
            : counterLine(counters, i),
        );
      }
    }
    if (flows.length > 0) flows.clear();
    if (counters.length > 0) counters.clear();
  };
  const decoder = new ExportDecoder(target, stats, printRows, { port: options.port, tenant: 'default' });
  const onPacket: PacketHandler = (buf, offset, length, timestampMs, linkType) => {
    decoder.handlePacket(buf, offset, length, timestampMs, linkType);
    return !out.closed;
  };

  let failed = false;
  let capturePackets = 0;
  const captureErrors = new Float64Array(captureErrorReasons.length);
  for (const file of options.files) {
    let summary: CaptureSummary;
    try {
      summary =
        file === '-'
          ? await readCaptureStream(process.stdin, onPacket)
          : await readCaptureFile(file, onPacket);
    } catch (err) {
      process.stderr.write(`flowlens decode: ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
      failed = true;
      continue;
    }
    const s = summary.stats;
    capturePackets += s.packets;
    s.errors.forEach((n, i) => {
      captureErrors[i]! += n;
    });
    if (s.firstError !== undefined) {
      const more = s.totalErrors() - 1;
      process.stderr.write(
        `flowlens decode: ${file}: ${s.firstError}${more > 0 ? ` (and ${more} more errors)` : ''}\n`,
      );
    }
    if (summary.format === undefined) failed = true;
    if (out.closed) break;
  }
  await out.end();

  const captureErrorCounts: Record<string, number> = {};
  captureErrorReasons.forEach((r, i) => {
    if (captureErrors[i]! > 0) captureErrorCounts[r] = captureErrors[i]!;
  });
  const summary = {
    files: options.files.length,
    capture_packets: capturePackets,
    exporters: decoder.exporters().length,
    ...stats.snapshot(),
    skipped: decoder.skippedCounts(),
    capture_errors: captureErrorCounts,
  };
  process.stderr.write(`${JSON.stringify(summary)}\n`);
  return failed ? 1 : 0;
}
