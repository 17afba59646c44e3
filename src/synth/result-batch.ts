import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import type { TestResult, TestType } from './contract.js';

/**
 * The body of POST /api/v1/synth/results (docs/synth.md "Results"): gzip-compressed JSON lines, a
 * header line `{"batch": {"session", "seq", "results"}}` then one TestResult per line, NaN written
 * as null. The header makes a spooled body complete on its own: whenever it is sent, the server
 * recognizes a retry by the agent's session (16 hex digits, one per agent run) and sequence number.
 */
export interface BatchHeader {
  readonly session: string;
  readonly seq: number;
  readonly results: number;
}

export const RESULTS_MEDIA_TYPE = 'application/x-ndjson';

const gzipAsync = promisify(gzip);

export async function encodeResultBatch(
  header: BatchHeader,
  results: readonly TestResult[],
): Promise<Buffer> {
  const lines = [JSON.stringify({ batch: header })];
  for (const r of results) lines.push(JSON.stringify(r));
  return gzipAsync(`${lines.join('\n')}\n`, { level: 6 });
}

export class BatchError extends Error {}

export interface DecodedBatch {
  readonly header: BatchHeader;
  readonly results: TestResult[];
  /** Lines that are not a valid result: skipped (a bad one never costs the good ones). */
  readonly rejected: number;
  readonly firstProblem: string | undefined;
}

const sessionPattern = /^[0-9a-f]{16}$/;
const MAX_TIME_MS = 253_402_300_800_000;

/** Reads a gunzipped body; throws BatchError when its header is bad. */
export function decodeResultBatch(text: string): DecodedBatch {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let head: { batch?: Partial<BatchHeader> };
  try {
    head = JSON.parse(lines[0] ?? '');
  } catch {
    throw new BatchError('line 1: expected the batch header {"batch": {"session", "seq", "results"}}');
  }
  const h = head?.batch;
  if (
    typeof h?.session !== 'string' ||
    !sessionPattern.test(h.session) ||
    !Number.isSafeInteger(h.seq) ||
    h.seq! < 1 ||
    h.results !== lines.length - 1
  )
    throw new BatchError(
      `line 1: bad batch header ${JSON.stringify(h)?.slice(0, 200)}: session is 16 hex digits, seq a positive integer, results the number of lines after it (${lines.length - 1})`,
    );
  const results: TestResult[] = [];
  let rejected = 0;
  let firstProblem: string | undefined;
  for (let i = 1; i < lines.length; i++) {
    let value: unknown;
    let problem: string | undefined;
    try {
      value = JSON.parse(lines[i]!);
      problem = resultProblem(value);
    } catch {
      problem = 'not JSON';
    }
    if (problem === undefined) results.push(value as TestResult);
    else {
      rejected++;
      firstProblem ??= `line ${i + 1}: ${problem}`;
    }
  }
  return { header: h as BatchHeader, results, rejected, firstProblem };
}

type Kind = 'number' | 'string' | 'boolean' | 'strings' | 'hops';

const common: Readonly<Record<string, Kind>> = {
  testId: 'string',
  target: 'string',
  address: 'string',
  time: 'number',
  ok: 'boolean',
  error: 'string',
};

const byType: Readonly<Record<TestType, Readonly<Record<string, Kind>>>> = {
  ping: {
    sent: 'number',
    received: 'number',
    lossPct: 'number',
    rttMinMs: 'number',
    rttAvgMs: 'number',
    rttMaxMs: 'number',
    rttStddevMs: 'number',
    jitterMs: 'number',
  },
  trace: { protocol: 'string', hops: 'hops', reached: 'boolean' },
  http: {
    status: 'number',
    sizeBytes: 'number',
    dnsMs: 'number',
    connectMs: 'number',
    tlsMs: 'number',
    ttfbMs: 'number',
    transferMs: 'number',
    totalMs: 'number',
    tlsVersion: 'string',
    certExpiry: 'number',
    bodyMatched: 'boolean',
  },
  dns: { rcode: 'string', answers: 'strings', latencyMs: 'number' },
  tcp: { latencyMs: 'number' },
};

/**
 * What is wrong with a decoded result, or undefined; nulls of number fields become NaN in place
 * (JSON has no NaN). Fields the server does not store (rttsMs) are not checked.
 */
function resultProblem(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'not an object';
  const r = v as Record<string, unknown>;
  const fields = typeof r.type === 'string' ? byType[r.type as TestType] : undefined;
  if (fields === undefined)
    return `type ${JSON.stringify(r.type)} is not one of ${Object.keys(byType).join(', ')}`;
  for (const [key, kind] of [...Object.entries(common), ...Object.entries(fields)]) {
    const problem = fieldProblem(r, key, kind);
    if (problem !== undefined) return `${key}: ${problem}`;
  }
  const time = r.time as number;
  if (!(time >= 0 && time < MAX_TIME_MS)) return `time: ${time} is not a time in ms since the epoch`;
  if ((r.testId as string).length > 64) return 'testId: longer than 64 characters';
  return undefined;
}

function fieldProblem(r: Record<string, unknown>, key: string, kind: Kind): string | undefined {
  const x = r[key];
  switch (kind) {
    case 'number':
      if (x === null) r[key] = Number.NaN;
      else if (typeof x !== 'number') return 'expected a number or null';
      return undefined;
    case 'string':
      return typeof x === 'string' && x.length <= 4096 ? undefined : 'expected a string';
    case 'boolean':
      return typeof x === 'boolean' ? undefined : 'expected true or false';
    case 'strings':
      return Array.isArray(x) && x.every((s) => typeof s === 'string')
        ? undefined
        : 'expected a list of strings';
    case 'hops':
      if (!Array.isArray(x) || x.length > 255) return 'expected a list of at most 255 hops';
      for (const hop of x) {
        if (
          typeof hop !== 'object' ||
          hop === null ||
          !Number.isInteger(hop.ttl) ||
          !Array.isArray(hop.probes)
        )
          return 'expected hops of {ttl, probes, lossPct}';
        if (hop.lossPct === null) hop.lossPct = Number.NaN;
        if (typeof hop.lossPct !== 'number') return 'hop lossPct: expected a number';
        for (const p of hop.probes) {
          if (typeof p !== 'object' || p === null || typeof p.address !== 'string')
            return 'expected probes of {address, rttMs}';
          if (p.rttMs === null) p.rttMs = Number.NaN;
          if (typeof p.rttMs !== 'number') return 'probe rttMs: expected a number or null';
        }
      }
      return undefined;
  }
}
