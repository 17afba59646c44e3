import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './paths.js';

/** Every capture the reader is checked on: the flow-export fixtures and the host captures. */
export function allFixtureCaptures(): string[] {
  const dirs = [`${repoRoot}src/ingest/testdata`, `${repoRoot}test/testdata/hosts`];
  return dirs.flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.pcap') || f.endsWith('.pcapng'))
      .sort()
      .map((f) => join(dir, f)),
  );
}

/** A scratch directory removed at exit (kept when FLOWLENS_KEEP_SCRATCH is set, for debugging). */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-capture-'));
  if (process.env.FLOWLENS_KEEP_SCRATCH) process.stderr.write(`scratch files in ${dir}\n`);
  else process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Runs editcap (Debian package wireshark-common, a dependency of tshark). */
export function editcap(args: string[]): void {
  execFileSync('editcap', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** One packet as tshark sees it (first occurrence of each field: the outermost header). */
export interface TsharkFrame {
  /** frame.time_epoch as printed: seconds with nine decimals. */
  readonly timeEpoch: string;
  readonly len: number;
  readonly capLen: number;
  readonly src: string;
  readonly dst: string;
  readonly protocol: string;
  readonly udpSrcPort: string;
  readonly udpDstPort: string;
  readonly tcpSrcPort: string;
  readonly tcpDstPort: string;
}

const run = promisify(execFile);

const fields = [
  'frame.time_epoch',
  'frame.len',
  'frame.cap_len',
  'ip.src',
  'ip.dst',
  'ipv6.src',
  'ipv6.dst',
  'ip.proto',
  'udp.srcport',
  'udp.dstport',
  'tcp.srcport',
  'tcp.dstport',
];

/** tshark's view of each packet of `file`, without IP reassembly (so fragments stay apart). */
export async function tsharkFrames(file: string): Promise<TsharkFrame[]> {
  const { stdout: text } = await run(
    'tshark',
    [
      '-r',
      file,
      '-n',
      '-o',
      'ip.defragment:FALSE',
      '-o',
      'ipv6.defragment:FALSE',
      '-T',
      'fields',
      '-E',
      'occurrence=f',
      '-E',
      'separator=\t',
      ...fields.flatMap((f) => ['-e', f]),
    ],
    { encoding: 'utf8', maxBuffer: 256 << 20 },
  );
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const v = line.split('\t');
      return {
        timeEpoch: v[0]!,
        len: Number(v[1]),
        capLen: Number(v[2]),
        src: v[3] || v[5] || '',
        dst: v[4] || v[6] || '',
        protocol: v[7] ?? '',
        udpSrcPort: v[8] ?? '',
        udpDstPort: v[9] ?? '',
        tcpSrcPort: v[10] ?? '',
        tcpDstPort: v[11] ?? '',
      };
    });
}

/** frame.time_epoch ("1680626679.123456789") as fractional milliseconds, exactly to the ns. */
export function epochTextToMs(text: string): number {
  const [sec, frac = ''] = text.split('.');
  return Number(sec) * 1000 + Number(frac.padEnd(9, '0')) / 1e6;
}
