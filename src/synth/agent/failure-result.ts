import type { TestResult, TestSpec } from '../contract.js';

/**
 * A run that produced no result of its own (its probe hung past the deadline, threw, or its type
 * has no runner in this build) as a result with `ok` false, the error code and no measurements.
 */
export function failureResult(spec: TestSpec, time: number, error: string): TestResult {
  const base = { testId: spec.id, target: spec.target, address: '', time, ok: false, error };
  const nan = Number.NaN;
  switch (spec.type) {
    case 'ping':
      return {
        ...base,
        type: 'ping',
        sent: 0,
        received: 0,
        lossPct: 100,
        rttMinMs: nan,
        rttAvgMs: nan,
        rttMaxMs: nan,
        rttStddevMs: nan,
        jitterMs: nan,
        rttsMs: [],
      };
    case 'trace':
      return { ...base, type: 'trace', protocol: spec.protocol, hops: [], reached: false };
    case 'http':
      return {
        ...base,
        type: 'http',
        status: 0,
        sizeBytes: 0,
        dnsMs: nan,
        connectMs: nan,
        tlsMs: nan,
        ttfbMs: nan,
        transferMs: nan,
        totalMs: nan,
        tlsVersion: '',
        certExpiry: nan,
        bodyMatched: false,
      };
    case 'dns':
      return { ...base, type: 'dns', rcode: '', answers: [], latencyMs: nan };
    case 'tcp':
      return { ...base, type: 'tcp', latencyMs: nan };
  }
}
