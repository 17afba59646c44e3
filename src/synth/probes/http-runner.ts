/** `flowlens synth run http URL`: options in curl's spelling, and timings in the manner of `curl -w`. */
import { readFileSync } from 'node:fs';
import type { HttpResult, HttpSpec } from '../contract.js';
import { intOption, ms, type OptionValues, type Runner } from '../runners.js';
import { httpProbe } from './http-probe.js';
import { bareHost } from './resolve.js';

export const httpDefaults = { method: 'GET', timeoutMs: 10_000 } as const;

/** `Name: value` lines (curl -H) as a header record, or an error message. */
function headers(values: OptionValues): Record<string, string> | string {
  const raw = values.header;
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const out: Record<string, string> = {};
  for (const line of list) {
    const colon = typeof line === 'string' ? line.indexOf(':') : -1;
    if (colon <= 0) return `--header must look like 'Name: value', not '${String(line)}'`;
    out[(line as string).slice(0, colon).trim().toLowerCase()] = (line as string).slice(colon + 1).trim();
  }
  return out;
}

/** The status line, then each phase and its cumulative time (curl -w's time_namelookup, …). */
export function httpText(r: HttpResult, spec: HttpSpec): string {
  const lines = [`${spec.method} ${spec.url}${r.address === '' ? '' : ` (${r.address})`}`];
  if (r.status !== 0)
    lines.push(`  status ${r.status}, ${r.sizeBytes} bytes${r.tlsVersion === '' ? '' : `, ${r.tlsVersion}`}`);
  if (!Number.isNaN(r.certExpiry)) {
    const days = (r.certExpiry - r.time) / 86_400_000;
    lines.push(`  certificate expires ${new Date(r.certExpiry).toISOString()} (in ${days.toFixed(1)} days)`);
  }
  let at = 0;
  for (const [name, value] of [
    ['dns', r.dnsMs],
    ['connect', r.connectMs],
    ['tls', r.tlsMs],
    ['ttfb', r.ttfbMs],
    ['transfer', r.transferMs],
  ] as const) {
    if (!Number.isNaN(value)) at += value;
    const cumulative = Number.isNaN(value) ? '' : `  (at ${ms(at)})`;
    lines.push(`  ${`${name}:`.padEnd(10)}${ms(value).padStart(10)} ms${cumulative}`);
  }
  lines.push(`  ${'total:'.padEnd(10)}${ms(r.totalMs).padStart(10)} ms`);
  if (spec.bodyMatch !== undefined)
    lines.push(`  body ${r.bodyMatched ? 'matches' : 'does not match'} /${spec.bodyMatch}/`);
  lines.push(r.ok ? '  ok' : `  failed: ${r.error}`);
  return `${lines.join('\n')}\n`;
}

export const runner: Runner = {
  options: {
    request: { type: 'string', short: 'X' },
    header: { type: 'string', short: 'H', multiple: true },
    'expect-status': { type: 'string' },
    match: { type: 'string' },
    cacert: { type: 'string' },
    insecure: { type: 'boolean', short: 'k' },
  },
  help: `  TARGET is the URL (http:// when it has no scheme). Redirects are not followed: a 3xx is the result.
  -X, --request METHOD     the method (default ${httpDefaults.method})
  -H, --header 'N: v'      a request header (repeatable)
      --expect-status N    the status that counts as success (default: any 2xx or 3xx)
      --match REGEX        a regular expression the body (its first MiB) must match
      --cacert FILE        PEM certificates to trust instead of the system's
  -k, --insecure           do not verify the server's certificate
      --timeout MS         the whole request's deadline (default ${httpDefaults.timeoutMs})`,
  spec(common, values) {
    const text = common.target.includes('://') ? common.target : `http://${common.target}`;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      return `'${common.target}' is not a URL`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      return `only http:// and https:// URLs, not '${url.protocol}'`;
    const h = headers(values);
    if (typeof h === 'string') return h;
    const expect =
      values['expect-status'] === undefined ? undefined : intOption(values, 'expect-status', 0, 100, 599);
    if (typeof expect === 'string') return expect;
    if (typeof values.match === 'string') {
      try {
        new RegExp(values.match);
      } catch (err) {
        return `--match: ${(err as Error).message}`;
      }
    }
    let ca: string | undefined;
    if (typeof values.cacert === 'string') {
      try {
        ca = readFileSync(values.cacert, 'utf8');
      } catch (err) {
        return `--cacert: ${(err as Error).message}`;
      }
    }
    return {
      id: 'adhoc',
      type: 'http',
      target: bareHost(url.hostname),
      intervalS: 0,
      timeoutMs: common.timeoutMs ?? httpDefaults.timeoutMs,
      ...(common.family === undefined ? {} : { family: common.family }),
      url: url.href,
      method: typeof values.request === 'string' ? values.request.toUpperCase() : httpDefaults.method,
      headers: h,
      ...(expect === undefined ? {} : { expectStatus: expect }),
      ...(typeof values.match === 'string' ? { bodyMatch: values.match } : {}),
      ...(ca === undefined ? {} : { ca }),
      ...(values.insecure === true ? { insecure: true } : {}),
    } satisfies HttpSpec;
  },
  run: (spec, _context, signal) => httpProbe.run(spec as HttpSpec, signal),
  text: (result, spec) => httpText(result as HttpResult, spec as HttpSpec),
};
