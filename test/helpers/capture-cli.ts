import { execFileSync, spawnSync } from 'node:child_process';
import { cliPath } from './capture-dist.js';

export interface CliResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built `flowlens` with `args` (and optional standard input). */
export function flowlens(args: string[], input?: Uint8Array): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    encoding: 'utf8',
    input,
    maxBuffer: 256 << 20,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The JSON objects of the output, one per line. */
export function jsonLines(stdout: string): Record<string, string | number>[] {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, string | number>);
}

/** `flowlens decode`'s summary: the last line of standard error, in JSON. */
export function decodeSummary(stderr: string): Record<string, unknown> {
  const lines = stderr.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
}

/**
 * tshark's decode (`-T json -e …`) of every NetFlow record in a capture, one object per record
 * with the cflow field names, in capture order. `decodeAs` maps a non-default port to cflow.
 */
export function tsharkFlowRecords(
  file: string,
  fields: string[],
  decodeAs?: number,
): Record<string, string>[] {
  const args = ['-r', file, '-n', '-T', 'json', ...fields.flatMap((f) => ['-e', f])];
  if (decodeAs !== undefined) args.push('-d', `udp.port==${decodeAs},cflow`);
  const packets = JSON.parse(
    execFileSync('tshark', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
  ) as {
    _source: { layers: Record<string, string[]> };
  }[];
  const records: Record<string, string>[] = [];
  for (const p of packets) {
    const layers = p._source.layers;
    const count = layers[fields[0]!]?.length ?? 0;
    for (let i = 0; i < count; i++) {
      records.push(Object.fromEntries(fields.map((f) => [f, layers[f]?.[i] ?? ''])));
    }
  }
  return records;
}

/** frame.time_epoch of each packet, in seconds (text). */
export function tsharkFrameTimes(file: string): string[] {
  return execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'frame.time_epoch'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  })
    .split('\n')
    .filter((l) => l !== '');
}
