import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AgentConfig } from '../../src/agent/config.js';
import { createAgentPipeline, runAgent } from '../../src/agent/pipeline.js';
import { recordObject } from '../../src/agent/record-output.js';
import { openCaptureFile } from '../../src/capture/reader.js';

const execFileText = promisify(execFile);

/** Runs tshark; a capture cut short makes it exit 2 after printing everything before the cut. */
async function run(cmd: string, args: string[], options: { encoding: 'utf8'; maxBuffer: number }) {
  try {
    return await execFileText(cmd, args, options);
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    if (e.code === 2 && typeof e.stdout === 'string' && /cut short/.test(e.stderr ?? ''))
      return { stdout: e.stdout };
    throw err;
  }
}

/**
 * Packets and bytes of one conversation (a transport 5-tuple without direction), per sending
 * endpoint ("addr|port").
 */
export interface Conversation {
  readonly packets: Map<string, number>;
  readonly bytes: Map<string, number>;
}

export type Conversations = Map<string, Conversation>;

/** The unordered key of a conversation and the sender's endpoint. */
function conversationKey(protocol: string, src: string, srcPort: string, dst: string, dstPort: string) {
  const a = `${src}|${srcPort}`;
  const b = `${dst}|${dstPort}`;
  return { key: `${protocol} ${a < b ? `${a} ${b}` : `${b} ${a}`}`, from: a };
}

function add(convs: Conversations, key: string, from: string, packets: number, bytes: number): void {
  let c = convs.get(key);
  if (c === undefined) {
    c = { packets: new Map(), bytes: new Map() };
    convs.set(key, c);
  }
  c.packets.set(from, (c.packets.get(from) ?? 0) + packets);
  c.bytes.set(from, (c.bytes.get(from) ?? 0) + bytes);
}

const convLine = /^(\S+):(\d+)\s+<->\s+(\S+):(\d+)\s+(\d+)\s+\d+\s+\S+\s+(\d+)\s+\d+\s+\S+/;

const fields = ['ip.proto', 'ipv6.nxt', 'ip.src', 'ip.dst', 'ipv6.src', 'ipv6.dst', 'ip.len', 'ipv6.plen'];
const ports = ['tcp.srcport', 'tcp.dstport', 'udp.srcport', 'udp.dstport'];

export interface TsharkConversations {
  /**
   * tshark's conversation tables (`-z conv,tcp -z conv,udp`): frames per direction. In a row
   * "A <-> B", the "<-" frames went from B to A. tshark prints the byte columns as frame bytes
   * (link header included) rounded to kB or MB, so they are not used.
   */
  readonly frames: Conversations;
  /**
   * From tshark's decode of each packet whose outermost IP header carries TCP or UDP: packets
   * and IP bytes (IPv4 total length, IPv6 payload length + 40) per direction.
   */
  readonly ipBytes: Conversations;
}

/** One tshark run: the per-packet fields, then the conversation tables. */
export async function tsharkConversations(file: string): Promise<TsharkConversations> {
  const { stdout } = await run(
    'tshark',
    [
      '-r',
      file,
      '-n',
      '-T',
      'fields',
      '-E',
      'occurrence=f',
      '-E',
      'separator=\t',
      ...[...fields, ...ports].flatMap((f) => ['-e', f]),
      '-z',
      'conv,tcp',
      '-z',
      'conv,udp',
    ],
    { encoding: 'utf8', maxBuffer: 256 << 20 },
  );
  const frames: Conversations = new Map();
  const ipBytes: Conversations = new Map();
  let protocol = '';
  for (const line of stdout.split('\n')) {
    const v = line.split('\t');
    if (v.length === fields.length + ports.length) {
      addPacket(ipBytes, v);
      continue;
    }
    if (line.startsWith('TCP Conversations')) protocol = '6';
    else if (line.startsWith('UDP Conversations')) protocol = '17';
    const m = convLine.exec(line);
    if (m === null) continue;
    const [, a, aPort, b, bPort, fromB, fromA] = m;
    const { key } = conversationKey(protocol, a!, aPort!, b!, bPort!);
    add(frames, key, `${a}|${aPort}`, Number(fromA), 0);
    add(frames, key, `${b}|${bPort}`, Number(fromB), 0);
  }
  return { frames, ipBytes };
}

function addPacket(convs: Conversations, v: string[]): void {
  const [v4proto, v6next, src4, dst4, src6, dst6, len4, plen6, ts, td, us, ud] = v;
  const v4 = src4 !== '';
  const protocol = v4 ? v4proto : v6next;
  const src = v4 ? src4! : src6!;
  const dst = v4 ? dst4! : dst6!;
  const length = v4 ? Number(len4) : Number(plen6) + 40;
  // Only packets whose outermost IP header carries the transport (not one quoted in ICMP).
  if (protocol === '6' && ts !== '') {
    const { key, from } = conversationKey('6', src, ts!, dst, td!);
    add(convs, key, from, 1, length);
  } else if (protocol === '17' && us !== '') {
    const { key, from } = conversationKey('17', src, us!, dst, ud!);
    add(convs, key, from, 1, length);
  }
}

/** The agent's records of a capture (capture timestamps), summed per TCP/UDP conversation. */
export async function agentConversations(
  file: string,
  config: Partial<AgentConfig> = {},
): Promise<{ convs: Conversations; records: Record<string, string | number>[] }> {
  const records: Record<string, string | number>[] = [];
  const pipeline = createAgentPipeline(
    {
      sink: {
        write: (b) => {
          for (let r = 0; r < b.length; r++) records.push(recordObject(b, r));
        },
      },
    },
    { timestamps: 'capture', idleTimeoutMs: 86_400_000, activeTimeoutMs: 86_400_000, ...config },
  );
  const { reader, close } = await openCaptureFile(file);
  try {
    await runAgent(reader, pipeline);
  } finally {
    await close();
  }
  const convs: Conversations = new Map();
  for (const r of records) {
    const protocol = String(r.protocol);
    if (protocol !== '6' && protocol !== '17') continue;
    const src = String(r.src_addr);
    const dst = String(r.dst_addr);
    const sp = String(r.l4_src_port ?? 0);
    const dp = String(r.l4_dst_port ?? 0);
    const { key } = conversationKey(protocol, src, sp, dst, dp);
    add(convs, key, `${src}|${sp}`, Number(r.in_pkts ?? 0), Number(r.in_bytes ?? 0));
    add(convs, key, `${dst}|${dp}`, Number(r.out_pkts ?? 0), Number(r.out_bytes ?? 0));
  }
  return { convs, records };
}

/** A conversation table as sorted plain data, for deepEqual and readable diffs. */
export function plain(
  convs: Conversations,
  what: 'packets' | 'bytes',
): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const key of [...convs.keys()].sort()) {
    const m = convs.get(key)![what];
    out[key] = Object.fromEntries([...m.entries()].filter(([, n]) => n > 0).sort());
  }
  return out;
}
