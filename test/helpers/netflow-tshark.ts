import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** One flow as tshark decoded it, keyed by flowlens column names (only the columns tshark showed). */
export type ExpectedFlow = Record<string, string | number>;

type Json = string | Json[] | { [key: string]: Json };
type Obj = { [key: string]: Json };

const isObj = (v: Json | undefined): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const asList = (v: Json | undefined): Json[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
/** The first (or, for reverse elements, `index`-th) value of a possibly repeated tshark field. */
function str(o: Obj, key: string, index = 0): string | undefined {
  const v = asList(o[key])[index];
  return typeof v === 'string' ? v : undefined;
}
function num(o: Obj, key: string, index = 0): number | undefined {
  const s = str(o, key, index);
  return s === undefined ? undefined : Number(s);
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** tshark's absolute time text ("Oct  5, 2009 06:06:07.492059999 UTC") as ms since the epoch. */
export function parseTsharkTime(text: string): number {
  const m = /^(\w{3})\s+(\d+), (\d{4}) (\d\d):(\d\d):(\d\d)(\.\d+)? UTC$/.exec(text);
  if (!m) throw new Error(`unexpected tshark time ${text}`);
  const [, mon, day, year, h, min, s, frac] = m;
  return (
    Date.UTC(Number(year), months.indexOf(mon!), Number(day), Number(h), Number(min), Number(s)) +
    Number(frac ?? 0) * 1000
  );
}

/** Concatenates captures (templates first) so tshark learns templates across files, as we do. */
async function merged(files: string[], dir: string): Promise<string> {
  if (files.length === 1) return files[0]!;
  const out = join(dir, 'merged.pcap');
  await run('mergecap', ['-a', '-F', 'pcap', '-w', out, ...files]);
  return out;
}

/** tshark's JSON for the NetFlow/IPFIX packets of a capture; non-default UDP ports are decoded as cflow. */
async function tsharkJson(file: string): Promise<Obj[]> {
  const ports = await run('tshark', ['-r', file, '-T', 'fields', '-E', 'occurrence=f', '-e', 'udp.dstport']);
  const decodeAs = [...new Set(ports.stdout.split('\n').filter((p) => p !== '' && p !== '6343'))].flatMap(
    (p) => ['-d', `udp.port==${p},cflow`],
  );
  const { stdout } = await run(
    'tshark',
    ['-r', file, '-T', 'json', '--no-duplicate-keys', ...decodeAs, 'cflow'],
    {
      maxBuffer: 1 << 30,
    },
  );
  return JSON.parse(stdout) as Obj[];
}

/** Walks tshark's decode: options templates, options data (sampling) and data flows, in order. */
export async function tsharkFlows(files: string[]): Promise<ExpectedFlow[]> {
  const dir = await mkdtemp(join(tmpdir(), 'flowlens-tshark-'));
  try {
    const packets = await tsharkJson(await merged(files, dir));
    const walker = new FlowWalker();
    for (const packet of packets) {
      const layers = (packet._source as Obj).layers as Obj;
      const ip = (layers.ip ?? layers.ipv6) as Obj;
      const src = str(ip, 'ip.src') ?? str(ip, 'ipv6.src')!;
      for (const cflow of asList(layers.cflow)) if (isObj(cflow)) walker.packet(src, cflow);
    }
    return walker.flows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

class FlowWalker {
  readonly flows: ExpectedFlow[] = [];
  private readonly optionsTemplates = new Set<string>();
  /** Sampling rates from options data by domain key, then sampler key. */
  private readonly samplers = new Map<string, Map<string, number>>();

  packet(src: string, cflow: Obj): void {
    const version = num(cflow, 'cflow.version')!;
    const domain = `${src}/${version}/${str(cflow, version === 9 ? 'cflow.source_id' : 'cflow.od_id')}`;
    const timestamp = cflow['cflow.timestamp_tree'] as Obj;
    const exportSecs = num(timestamp, version === 9 ? 'cflow.unix_secs' : 'cflow.exporttime')!;
    const header = { domain, version, exportSecs, uptime: num(cflow, 'cflow.sysuptime') ?? 0 };
    for (const [key, value] of Object.entries(cflow)) {
      if (!/^(FlowSet|Set) \d+/.test(key)) continue;
      for (const set of asList(value)) if (isObj(set)) this.set(header, set);
    }
  }

  private set(header: Header, set: Obj): void {
    for (const key of Object.keys(set)) {
      const m = /^Options Template \(Id = (\d+)\)/.exec(key);
      if (m) this.optionsTemplates.add(`${header.domain}/${m[1]}`);
    }
    const setId = str(set, 'cflow.flowset_id')!;
    const options = this.optionsTemplates.has(`${header.domain}/${setId}`);
    const records = Object.entries(set)
      .filter(([key]) => /^Flow \d+$/.test(key))
      .flatMap(([, v]) => asList(v).filter(isObj));
    for (const record of records) {
      if (options) this.options(header.domain, record);
      else this.flows.push(this.flow(header, setId, record));
    }
  }

  private options(domain: string, o: Obj): void {
    const rate = ownRate(o);
    if (rate === undefined) return;
    const sampler = str(o, 'cflow.sampler_id') ?? str(o, 'cflow.selector_id');
    const template = str(o, 'cflow.template_id');
    const key =
      sampler !== undefined ? `s${Number(sampler)}` : template !== undefined ? `t${template}` : 's0';
    let map = this.samplers.get(domain);
    if (map === undefined) {
      map = new Map();
      this.samplers.set(domain, map);
    }
    map.set(key, rate);
  }

  private rate(header: Header, setId: string, o: Obj): number {
    const own = ownRate(o);
    if (own !== undefined) return own;
    const map = this.samplers.get(header.domain);
    const fallback = map?.get(`t${setId}`) ?? map?.get('s0') ?? 1;
    const sampler = str(o, 'cflow.sampler_id') ?? str(o, 'cflow.selector_id');
    return sampler === undefined ? fallback : (map?.get(`s${Number(sampler)}`) ?? fallback);
  }

  private flow(header: Header, setId: string, o: Obj): ExpectedFlow {
    const rate = this.rate(header, setId, o);
    const f: ExpectedFlow = { sample_rate: rate };
    const put = (column: string, value: string | number | undefined) => {
      if (value !== undefined && !(typeof value === 'number' && Number.isNaN(value))) f[column] = value;
    };
    put('src_addr', pickAddr(str(o, 'cflow.srcaddr'), str(o, 'cflow.srcaddrv6')));
    put('dst_addr', pickAddr(str(o, 'cflow.dstaddr'), str(o, 'cflow.dstaddrv6')));
    put('ipv4_next_hop', pickAddr(str(o, 'cflow.nexthop'), str(o, 'cflow.nexthopv6')));
    put('bgp_next_hop', pickAddr(str(o, 'cflow.bgpnexthop'), str(o, 'cflow.bgpnexthopv6')));
    put('l4_src_port', num(o, 'cflow.srcport'));
    put('l4_dst_port', num(o, 'cflow.dstport') ?? icmpTypeCode(o));
    put('protocol', num(o, 'cflow.protocol'));
    put('tos', num(o, 'cflow.tos'));
    put('tcp_flags', num(o, 'cflow.tcpflags'));
    const scaled = (key: string, index: number) => {
      const v = num(o, key, index);
      return v === undefined ? undefined : v * rate;
    };
    put('in_bytes', scaled('cflow.octets', 0));
    put('in_pkts', scaled('cflow.packets', 0));
    put('out_bytes', scaled('cflow.octets', 1));
    put('out_pkts', scaled('cflow.packets', 1));
    put('input_port', num(o, 'cflow.inputint') ?? num(o, 'cflow.ingress_physical_interface'));
    put('output_port', num(o, 'cflow.outputint') ?? num(o, 'cflow.egress_physical_interface'));
    put('src_as', num(o, 'cflow.srcas'));
    put('dst_as', num(o, 'cflow.dstas'));
    put('src_route_length', num(o, 'cflow.srcmask') ?? num(o, 'cflow.srcmaskv6'));
    put('dst_route_length', num(o, 'cflow.dstmask') ?? num(o, 'cflow.dstmaskv6'));
    put('vlan_in', num(o, 'cflow.srcvlan') ?? num(o, 'cflow.dot1q_vlan_id'));
    put('vlan_out', num(o, 'cflow.dstvlan') ?? num(o, 'cflow.post_dot1q_vlan_id'));
    put('src_eth_mac', str(o, 'cflow.srcmac'));
    put('dst_eth_mac', str(o, 'cflow.dstmac'));
    put('direction', num(o, 'cflow.direction'));
    put('ip_version', num(o, 'cflow.ip_version'));
    const top = Object.entries(o).find(([key]) => key.startsWith('MPLS-Label1:'));
    if (top && isObj(top[1])) put('mpls_label', num(top[1], 'cflow.mpls_label'));
    this.times(header, o, f);
    return f;
  }

  private times(header: Header, o: Obj, f: ExpectedFlow): void {
    const tree = o['cflow.timedelta_tree'];
    if (!isObj(tree)) return;
    const absStart = str(tree, 'cflow.abstimestart');
    const absEnd = str(tree, 'cflow.abstimeend');
    if (absStart !== undefined) f.flow_start_time = parseTsharkTime(absStart);
    if (absEnd !== undefined) f.flow_end_time = parseTsharkTime(absEnd);
    // Uptime-relative (NetFlow v9): seconds since boot, boot = export time - sysUptime.
    const start = num(tree, 'cflow.timestart');
    const end = num(tree, 'cflow.timeend');
    if (header.version !== 9 || start === undefined || end === undefined) return;
    const boot = header.exportSecs * 1000 - Math.round(header.uptime * 1000);
    f.flow_start_time = boot + Math.round(start * 1000);
    f.flow_end_time = boot + Math.round(end * 1000);
  }
}

interface Header {
  readonly domain: string;
  readonly version: number;
  readonly exportSecs: number;
  readonly uptime: number;
}

/** Rate a record states itself: a sampling interval, or packet interval + space. */
function ownRate(o: Obj): number | undefined {
  const interval = num(o, 'cflow.sampling_interval') || num(o, 'cflow.sampler_random_interval');
  if (interval !== undefined && interval > 0) return interval;
  const packets = num(o, 'cflow.sampling_packet_interval');
  const space = num(o, 'cflow.sampling_packet_space');
  if (packets !== undefined && packets > 0 && space !== undefined)
    return Math.max(1, Math.round((packets + space) / packets));
  return undefined;
}

function icmpTypeCode(o: Obj): number | undefined {
  const v4 = str(o, 'cflow.icmp_type_code_ipv4');
  if (v4 !== undefined) return Number(v4);
  const type = num(o, 'cflow.icmp_ipv6_type');
  const code = num(o, 'cflow.icmp_ipv6_code');
  return type === undefined ? undefined : type * 256 + (code ?? 0);
}

/** "No address" in tshark's text is 0.0.0.0 or ::; a record with both families uses the one that is set. */
function pickAddr(v4: string | undefined, v6: string | undefined): string | undefined {
  const zero = (a: string | undefined) => a === undefined || a === '0.0.0.0' || a === '::';
  if (v4 === undefined && v6 === undefined) return undefined;
  if (!zero(v6)) return v6;
  return zero(v4) ? '' : v4;
}
