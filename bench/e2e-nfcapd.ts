import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readUdpDrops } from '../src/ingest/socket-drops.js';
import { drained, replay } from './replay.js';
import type { SenderOptions } from './sender.js';

export interface NfcapdEndToEnd {
  target_flows_per_sec: number;
  sent_flows_per_sec: number;
  received_flows_per_sec: number;
  sent_flows: number;
  received_flows: number;
  lost_flows_sent_vs_received: number;
  loss_ratio: number;
  /** nfdump's "Sequence failures" for the capture directory. */
  sequence_failures: number;
  kernel_socket_drops: number | undefined;
  seconds: number;
}

/** Waits until the child prints `text` (nfcapd says "Startup nfcapd." once bound). */
function output(child: ChildProcess, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let all = '';
    const on = (chunk: Buffer) => {
      all += chunk.toString();
      if (all.includes(text)) resolve(all);
    };
    child.stdout?.on('data', on);
    child.stderr?.on('data', on);
    child.once('exit', (code) => reject(new Error(`nfcapd exited (${code}) before "${text}": ${all}`)));
    child.once('error', reject);
  });
}

/** The same replay into nfcapd on loopback; flows counted with `nfdump -R DIR -I`. */
export async function nfcapdEndToEnd(
  o: Omit<SenderOptions, 'port'>,
  port: number,
  recvBufferSize: number,
): Promise<NfcapdEndToEnd> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-nfcapd-'));
  const child = spawn('nfcapd', ['-w', dir, '-b', o.host, '-p', String(port), '-B', String(recvBufferSize)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await output(child, 'Startup');
    const sent = await replay({ ...o, port });
    // nfcapd's queue is drained when the socket's receive queue is empty.
    await drained(() => -rxQueue(port), 0);
    const drops = readUdpDrops(port);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.pid !== undefined) process.kill(child.pid, 'SIGTERM');
    await exited;
    const info = execFileSync('nfdump', ['-R', dir, '-I'], { encoding: 'utf8' });
    const field = (name: string) =>
      Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(info)?.[1] ?? Number.NaN);
    const received = field('Flows');
    return {
      target_flows_per_sec: o.flowsPerSec,
      sent_flows_per_sec: sent.flowsPerSec,
      received_flows_per_sec: Math.round(received / sent.seconds),
      sent_flows: sent.flows,
      received_flows: received,
      lost_flows_sent_vs_received: sent.flows - received,
      loss_ratio: (sent.flows - received) / sent.flows,
      sequence_failures: field('Sequence failures'),
      kernel_socket_drops: drops,
      seconds: sent.seconds,
    };
  } finally {
    if (child.exitCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Bytes waiting in the receive queue of the UDP socket on `port` (/proc/net/udp). */
function rxQueue(port: number): number {
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const text = readFileSync('/proc/net/udp', 'latin1');
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f[1]?.endsWith(portHex)) return Number.parseInt(f[4]!.split(':')[1]!, 16);
  }
  return 0;
}
