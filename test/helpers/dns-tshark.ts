/**
 * tshark's decode of the DNS messages in a capture (JSON output, computed at test time), and the
 * fields flowlens' DNS decoder should write for each, rendered here from tshark's values by the
 * rules docs/agent.md states (independently of the decoder's code).
 */
import { spawnSync } from 'node:child_process';

type Json = Record<string, unknown>;

export interface TsharkDnsMessage {
  /** The packet's 1-based number among the capture's packets (tshark also numbers other pcapng blocks). */
  readonly packet: number;
  readonly response: boolean;
  readonly query: string | undefined;
  readonly queryType: number | undefined;
  readonly rcode: number;
  /** The answer section as flowlens renders it (before the length bound). */
  readonly answers: string[];
  /** dns.time in milliseconds, when tshark matched the response to its query. */
  readonly latencyMs: number | undefined;
}

/** The first DNS message of every frame that has one (tshark reassembles DNS over TCP). */
export function tsharkDns(file: string, extraArgs: string[] = []): TsharkDnsMessage[] {
  const args = ['-r', file, '-n', ...extraArgs, '-T', 'json', '-J', 'frame dns', '--no-duplicate-keys'];
  const run = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  // tshark exits 2 on a capture file cut short, after printing the packets before the cut.
  if (run.status !== 0 && !(run.status === 2 && run.stderr.includes('cut short')))
    throw new Error(`tshark ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  const packets = JSON.parse(run.stdout) as { _source: { layers: Json } }[];
  const out: TsharkDnsMessage[] = [];
  let packet = 0;
  for (const p of packets) {
    const layers = p._source.layers;
    if ((layers.frame as Json)['frame.encap_type'] === undefined) continue;
    packet++;
    const dnsLayer = layers.dns;
    if (dnsLayer === undefined) continue;
    const dns = (Array.isArray(dnsLayer) ? dnsLayer[0] : dnsLayer) as Json;
    const flags = dns['dns.flags_tree'] as Json | undefined;
    if (flags === undefined) continue;
    const queries = Object.values((dns.Queries as Json | undefined) ?? {}).flatMap(expand);
    const q = queries[0];
    const time = dns['dns.time'] as string | undefined;
    out.push({
      packet,
      response: flags['dns.flags.response'] === '1',
      query: q === undefined ? undefined : nameText(q['dns.qry.name'] as string),
      queryType: q === undefined ? undefined : Number(q['dns.qry.type']),
      rcode: Number(flags['dns.flags.rcode']),
      answers: Object.values((dns.Answers as Json | undefined) ?? {})
        .flatMap(expand)
        .map(answerText)
        .filter((a): a is string => a !== undefined),
      latencyMs: time === undefined ? undefined : Number(time) * 1000,
    });
  }
  return out;
}

/** `--no-duplicate-keys` turns repeated keys into arrays. */
function expand(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [v as Json];
}

function nameText(name: string): string {
  return name === '<Root>' ? '.' : name;
}

function str(a: Json, key: string): string {
  const v = a[key];
  return Array.isArray(v) ? String(v[0]) : String(v);
}

/** One answer as flowlens writes it (dig's presentation); undefined when tshark lacks its value. */
function answerText(a: Json): string | undefined {
  const type = Number(a['dns.resp.type']);
  const need = (...keys: string[]) => keys.every((k) => a[k] !== undefined);
  switch (type) {
    case 1:
      return need('dns.a') ? str(a, 'dns.a') : undefined;
    case 28:
      return need('dns.aaaa') ? str(a, 'dns.aaaa') : undefined;
    case 5:
      return need('dns.cname') ? nameText(str(a, 'dns.cname')) : undefined;
    case 2:
      return need('dns.ns') ? nameText(str(a, 'dns.ns')) : undefined;
    case 12:
      return need('dns.ptr.domain_name') ? nameText(str(a, 'dns.ptr.domain_name')) : undefined;
    case 15:
      return need('dns.mx.mail_exchange')
        ? `${str(a, 'dns.mx.preference')} ${nameText(str(a, 'dns.mx.mail_exchange'))}`
        : undefined;
    case 33:
      return need('dns.srv.target')
        ? `${str(a, 'dns.srv.priority')} ${str(a, 'dns.srv.weight')} ${str(a, 'dns.srv.port')} ${nameText(str(a, 'dns.srv.target'))}`
        : undefined;
    case 6:
      return need('dns.soa.minimum_ttl')
        ? [
            nameText(str(a, 'dns.soa.mname')),
            nameText(str(a, 'dns.soa.rname')),
            str(a, 'dns.soa.serial_number'),
            str(a, 'dns.soa.refresh_interval'),
            str(a, 'dns.soa.retry_interval'),
            str(a, 'dns.soa.expire_limit'),
            str(a, 'dns.soa.minimum_ttl'),
          ].join(' ')
        : undefined;
    case 16: {
      const txt = a['dns.txt'];
      if (txt === undefined) return undefined;
      const strings = Array.isArray(txt) ? (txt as string[]) : [txt as string];
      return strings.map(quoted).join(' ');
    }
    case 64:
    case 65:
      return need('dns.svcb.targetname')
        ? `${str(a, 'dns.svcb.svcpriority')} ${nameText(str(a, 'dns.svcb.targetname'))}`
        : undefined;
    case 257:
      return need('dns.caa.issue')
        ? `${Number(str(a, 'dns.caa.flags'))} issue ${quoted(str(a, 'dns.caa.issue'))}`
        : undefined;
    default:
      throw new Error(`tshark oracle: no rendering for RR type ${type} (extend answerText)`);
  }
}

/** A character string as dig quotes it, with ',' as \044 as the decoder's docs say (printable input). */
function quoted(s: string): string {
  return `"${s.replace(/["\\]/g, (c) => `\\${c}`).replace(/,/g, '\\044')}"`;
}

/** The decoder's bound on dns_answers: cut to `limit` characters, the last three being "...". */
export function boundAnswers(answers: readonly string[], limit: number): string {
  const text = answers.join(',');
  return text.length <= limit ? text : `${text.slice(0, limit - 3)}...`;
}
