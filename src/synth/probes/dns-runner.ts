/** `flowlens synth run dns SERVER --name NAME`: options, and text output in the manner of dig. */
import type { DnsResult, DnsSpec } from '../contract.js';
import { intOption, type Runner } from '../runners.js';
import { dnsProbe, queryName } from './dns-probe.js';
import { typeCode } from './dns-types.js';

export const dnsDefaults = { type: 'A', port: 53, timeoutMs: 5000 } as const;

/** dig's status, ANSWER SECTION (tab-separated as dig prints it), query time and server lines. */
export function dnsText(r: DnsResult, spec: DnsSpec): string {
  const code = typeCode(spec.recordType);
  const asked = code === undefined ? spec.name : queryName(spec.name, code);
  const lines = [`;; QUESTION: ${asked} IN ${spec.recordType.toUpperCase()}`];
  if (r.rcode !== '') lines.push(`;; ->>HEADER<<- status: ${r.rcode}, ANSWER: ${r.answers.length}`);
  if (r.answers.length > 0) {
    lines.push('', ';; ANSWER SECTION:');
    for (const a of r.answers) {
      const [name, ttl, cls, type] = a.split(' ', 4);
      const rdata = a.slice(`${name} ${ttl} ${cls} ${type} `.length);
      lines.push([name, ttl, cls, type, rdata].join('\t'));
    }
  }
  const server = `${r.address === '' ? spec.target : r.address}#${spec.port}`;
  lines.push('');
  if (!Number.isNaN(r.latencyMs)) lines.push(`;; Query time: ${r.latencyMs.toFixed(3)} msec`);
  lines.push(`;; SERVER: ${server} (${spec.transport.toUpperCase()})`);
  if (r.error !== '') lines.push(`;; failed: ${r.error}`);
  return `${lines.join('\n')}\n`;
}

export const runner: Runner = {
  options: {
    name: { type: 'string', short: 'n' },
    type: { type: 'string', short: 't' },
    port: { type: 'string', short: 'p' },
    tcp: { type: 'boolean' },
  },
  help: `  TARGET is the server to ask.
  -n, --name NAME      the name to look up (required; an address with --type PTR asks its reverse name)
  -t, --type TYPE      A, AAAA, CNAME, MX, NS, TXT, SRV, PTR, SOA, CAA, … or TYPEnnn (default ${dnsDefaults.type})
  -p, --port P         the server's port (default ${dnsDefaults.port})
      --tcp            ask over TCP (default UDP; a truncated UDP answer is asked again over TCP)
      --timeout MS     the whole query's deadline (default ${dnsDefaults.timeoutMs})`,
  spec(common, values) {
    if (typeof values.name !== 'string' || values.name === '') return 'dns needs --name NAME';
    const type = typeof values.type === 'string' ? values.type.toUpperCase() : dnsDefaults.type;
    if (typeCode(type) === undefined) return `--type: unknown record type '${type}'`;
    const port = intOption(values, 'port', dnsDefaults.port, 1, 65_535);
    if (typeof port === 'string') return port;
    return {
      id: 'adhoc',
      type: 'dns',
      target: common.target,
      intervalS: 0,
      timeoutMs: common.timeoutMs ?? dnsDefaults.timeoutMs,
      ...(common.family === undefined ? {} : { family: common.family }),
      name: values.name,
      recordType: type,
      port,
      transport: values.tcp === true ? 'tcp' : 'udp',
    } satisfies DnsSpec;
  },
  run: (spec, _context, signal) => dnsProbe.run(spec as DnsSpec, signal),
  text: (result, spec) => dnsText(result as DnsResult, spec as DnsSpec),
};
