import type { HttpResult, HttpSpec, Probe } from '../contract.js';
import { RunDeadline } from './deadline.js';
import { probeErrors } from './errors.js';
import { type Exchange, exchange } from './http-exchange.js';
import { resolveTarget } from './resolve.js';

const patterns = new WeakMap<HttpSpec, RegExp | null>();

/** The spec's body pattern, compiled once per spec; null when it is not a valid expression. */
function bodyPattern(spec: HttpSpec): RegExp | null | undefined {
  if (spec.bodyMatch === undefined) return undefined;
  let re = patterns.get(spec);
  if (re === undefined) {
    try {
      re = new RegExp(spec.bodyMatch);
    } catch {
      re = null;
    }
    patterns.set(spec, re);
  }
  return re;
}

/** Whether the status is the one expected: `expectStatus`, or by default any 2xx or 3xx. */
export function statusOk(status: number, expect: number | undefined): boolean {
  return expect === undefined ? status >= 200 && status < 400 : status === expect;
}

/**
 * HTTP(S): one request, timed phase by phase: dns (lookup) → connect (TCP handshake) → tls
 * (handshake) → ttfb (request sent, response headers in) → transfer (to the body's last byte). The
 * phases are consecutive and disjoint; the total also holds the client's own setup between the
 * lookup and the connect (building the request and the TLS context), so it is at least their sum.
 * A phase that did not happen is NaN.
 */
export const httpProbe: Probe<HttpSpec, HttpResult> = {
  async run(spec, signal) {
    const time = Date.now();
    const start = performance.now();
    const fail = (error: string): HttpResult => result(spec, time, start, '', Number.NaN, error, undefined);
    let url: URL;
    try {
      url = new URL(spec.url);
    } catch {
      return fail(probeErrors.badSpec);
    }
    const re = bodyPattern(spec);
    if ((url.protocol !== 'http:' && url.protocol !== 'https:') || re === null)
      return fail(probeErrors.badSpec);
    const deadline = new RunDeadline(spec.timeoutMs, signal);
    try {
      const resolved = await resolveTarget(url.hostname, spec.family, deadline);
      if ('error' in resolved) return fail(resolved.error);
      const x = await exchange(
        {
          url,
          address: resolved.address,
          family: resolved.family,
          method: spec.method,
          headers: spec.headers,
          ...(spec.ca === undefined ? {} : { ca: spec.ca }),
          ...(spec.insecure === undefined ? {} : { insecure: spec.insecure }),
        },
        deadline,
      );
      const matched = x.error === '' && re !== undefined && re.test(x.body.toString('utf8'));
      let error = x.error;
      if (error === '' && !statusOk(x.status, spec.expectStatus)) error = probeErrors.badStatus;
      if (error === '' && re !== undefined && !matched) error = probeErrors.bodyMismatch;
      return result(spec, time, start, resolved.address, resolved.ms, error, x, matched);
    } finally {
      deadline.dispose();
    }
  },
};

function result(
  spec: HttpSpec,
  time: number,
  start: number,
  address: string,
  dnsMs: number,
  error: string,
  x: Exchange | undefined,
  matched = false,
): HttpResult {
  const end = x === undefined || Number.isNaN(x.lastByte) ? performance.now() : x.lastByte;
  const connecting = x?.connecting ?? Number.NaN;
  const connected = x?.connected ?? Number.NaN;
  const secured = x?.secured ?? Number.NaN;
  const requestFrom = Number.isNaN(secured) ? connected : secured;
  const firstByte = x?.firstByte ?? Number.NaN;
  return {
    testId: spec.id,
    type: 'http',
    target: spec.target,
    address,
    time,
    ok: error === '',
    error,
    status: x?.status ?? 0,
    sizeBytes: x?.sizeBytes ?? 0,
    dnsMs,
    connectMs: connected - connecting,
    tlsMs: secured - connected,
    ttfbMs: firstByte - requestFrom,
    transferMs: (x?.lastByte ?? Number.NaN) - firstByte,
    totalMs: end - start,
    tlsVersion: x?.tlsVersion ?? '',
    certExpiry: x?.certExpiry ?? Number.NaN,
    // False as well when the spec has no pattern.
    bodyMatched: matched,
  };
}
