import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NfpcapdRun {
  version: string;
  command: string;
  packets_processed: number;
  cpu_user_seconds: number;
  cpu_system_seconds: number;
  wall_seconds: number;
  packets_per_cpu_second: number;
  packets_per_wall_second: number;
  max_rss_bytes: number;
  /** Unidirectional flow records (NetFlow style: each direction of a conversation is one). */
  flow_records: number;
  flow_packets: number;
  flow_bytes: number;
  /** Records joined into bidirectional conversations by `nfdump -b`. */
  bidirectional_records: number;
}

/**
 * `nfpcapd -r FILE -w DIR` (nfdump's pcap-to-flow tool) on the benchmark's capture, timed by
 * /usr/bin/time (user + system CPU of all its threads, wall time, peak RSS), with the same active
 * and idle timeouts as the agent; its flows counted with `nfdump -R DIR`.
 */
export function runNfpcapd(file: string, dir: string, activeS: number, idleS: number): NfpcapdRun {
  const out = join(dir, 'nfpcapd');
  mkdirSync(out, { recursive: true });
  const timeFile = join(dir, 'nfpcapd.time');
  const args = ['-r', file, '-w', out, '-e', `${activeS},${idleS}`];
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S %e %M', '-o', timeFile, 'nfpcapd', ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`nfpcapd exited ${r.status}: ${r.stderr || r.stdout}`);
  const [user, sys, wall, rssKb] = readFileSync(timeFile, 'utf8')
    .trim()
    .split('\n')
    .at(-1)!
    .split(/\s+/)
    .map(Number);
  const log = `${r.stdout}\n${r.stderr}`;
  const processed = Number(/Total: Processed: (\d+)/.exec(log)?.[1] ?? Number.NaN);
  const info = execFileSync('nfdump', ['-R', out, '-I'], { encoding: 'utf8' });
  const field = (name: string) =>
    Number(new RegExp(`^${name}:\\s*(\\d+)`, 'm').exec(info)?.[1] ?? Number.NaN);
  const bidir = execFileSync('nfdump', ['-R', out, '-q', '-b', '-o', 'csv'], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  const cpu = user! + sys!;
  return {
    version: execFileSync('nfdump', ['-V'], { encoding: 'utf8' }).trim(),
    command: `nfpcapd ${args.join(' ')}`,
    packets_processed: processed,
    cpu_user_seconds: user!,
    cpu_system_seconds: sys!,
    wall_seconds: wall!,
    packets_per_cpu_second: Math.round(processed / cpu),
    packets_per_wall_second: Math.round(processed / wall!),
    max_rss_bytes: rssKb! * 1024,
    flow_records: field('Flows'),
    flow_packets: field('Packets'),
    flow_bytes: field('Bytes'),
    bidirectional_records: bidir.split('\n').filter((l) => /^\d/.test(l)).length,
  };
}
