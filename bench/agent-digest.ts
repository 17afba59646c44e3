import { createHash } from 'node:crypto';
import { parseArgs } from 'node:util';
import { appDecoders } from '../src/agent/app/decoders.js';
import { createAgentPipeline, runAgent } from '../src/agent/pipeline.js';
import { recordObject } from '../src/agent/record-output.js';
import { createTcpTracker } from '../src/agent/tcp/tracker.js';
import { openCaptureFile } from '../src/capture/reader.js';

/**
 * `node dist/bench/agent-digest.js FILE`: runs the pipeline as agent-run.js does (capture
 * timestamps, TCP tracker, every decoder) and prints a SHA-256 of every record's JSON, in order,
 * with the summary and the decoders' counts: two builds that print the same digest wrote the same
 * records. For checking that a speed change changed no answer. `--sorted`: the digest of the
 * records' JSON lines sorted, for a change that may export the flows of one moment (a minute
 * boundary, a timeout) in another order.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'max-flows': { type: 'string', default: '262144' },
    sorted: { type: 'boolean', default: false },
  },
});
const file = positionals[0];
if (file === undefined) throw new Error('usage: agent-digest.js FILE [--max-flows N] [--sorted]');
const maxFlows = Number(values['max-flows']);

async function main() {
  const hash = createHash('sha256');
  const apps = appDecoders();
  let records = 0;
  const lines: string[] = [];
  const pipeline = createAgentPipeline(
    {
      sink: {
        write: (b) => {
          for (let r = 0; r < b.length; r++) {
            const line = `${JSON.stringify(recordObject(b, r))}\n`;
            if (values.sorted) lines.push(line);
            else hash.update(line);
          }
          records += b.length;
        },
      },
      tcp: createTcpTracker(maxFlows),
      apps,
    },
    { timestamps: 'capture', maxFlows },
  );
  const { reader, close } = await openCaptureFile(file!);
  const summary = await runAgent(reader, pipeline);
  await close();
  for (const line of lines.sort()) hash.update(line);
  const out = {
    records,
    digest: hash.digest('hex'),
    stats: pipeline.stats.snapshot(),
    capture_errors: summary.stats.errorCounts(),
    apps: apps.map((a) => ({
      protocol: a.protocol,
      counts: (a as { counts?: unknown }).counts,
      errors: a.errors,
    })),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `agent-digest failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
