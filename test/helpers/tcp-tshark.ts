import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { epochTextToMs } from './capture-tools.js';
import { endpoint } from './tcp-feed.js';

const run = promisify(execFile);

/** One TCP packet as tshark's TCP analysis sees it. */
export interface TsharkTcpFrame {
  readonly frame: number;
  readonly stream: number;
  readonly src: string;
  readonly dst: string;
  readonly timeMs: number;
  readonly flags: number;
  readonly len: number;
  readonly windowSize: number;
  readonly seq: number;
  /** tcp.analysis.initial_rtt in ms, or undefined when tshark does not show it on this frame. */
  readonly irttMs: number | undefined;
  readonly retransmission: boolean;
  readonly outOfOrder: boolean;
  readonly zeroWindow: boolean;
  readonly keepAlive: boolean;
}

const fields = [
  'frame.number',
  'tcp.stream',
  'ip.src',
  'ipv6.src',
  'ip.dst',
  'ipv6.dst',
  'tcp.srcport',
  'tcp.dstport',
  'frame.time_epoch',
  'tcp.flags',
  'tcp.len',
  'tcp.window_size',
  'tcp.seq_raw',
  'tcp.analysis.initial_rtt',
  'tcp.analysis.retransmission',
  'tcp.analysis.out_of_order',
  'tcp.analysis.zero_window',
  'tcp.analysis.keep_alive',
];

/**
 * tshark's TCP analysis of every TCP packet of `file` (one pass, default preferences). Packets
 * tunnelled in UDP (L2TP, …) or quoted in ICMP errors are left out: the agent does not look inside.
 */
export async function tsharkTcpFrames(file: string): Promise<TsharkTcpFrame[]> {
  const { stdout } = await runTshark(
    [
      '-r',
      file,
      '-n',
      '-Y',
      'tcp && !udp && !icmp && !icmpv6',
      '-T',
      'fields',
      '-E',
      'occurrence=f',
      '-E',
      'separator=\t',
    ].concat(fields.flatMap((f) => ['-e', f])),
  );
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const v = line.split('\t');
      return {
        frame: Number(v[0]),
        stream: Number(v[1]),
        src: endpoint(v[2] || v[3]!, v[6]!),
        dst: endpoint(v[4] || v[5]!, v[7]!),
        timeMs: epochTextToMs(v[8]!),
        flags: Number(v[9]),
        len: Number(v[10]),
        windowSize: Number(v[11]),
        seq: Number(v[12]),
        irttMs: v[13] ? epochTextToMs(v[13]) : undefined,
        retransmission: v[14] !== '',
        outOfOrder: v[15] !== '',
        zeroWindow: v[16] !== '',
        keepAlive: v[17] !== '',
      };
    });
}

/** tshark's output; a capture cut short makes it exit 2 after printing the packets before the cut. */
async function runTshark(args: string[]): Promise<{ stdout: string }> {
  try {
    return await run('tshark', args, { encoding: 'utf8', maxBuffer: 512 << 20 });
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (e.code === 2 && typeof e.stdout === 'string' && /cut short/.test(e.stderr ?? ''))
      return { stdout: e.stdout };
    throw err;
  }
}
