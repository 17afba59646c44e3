import { gzipSync } from 'node:zlib';
import type { TestResult } from '../../src/synth/contract.js';

/**
 * Acting as a synthetic agent against a server (docs/synth.md "Server API"): register with a
 * token and a name, then post result batches as `flowlens synth` does (gzip JSON lines, NaN as
 * null).
 */

export async function registerAgent(url: string, token: string, name: string): Promise<string> {
  const res = await fetch(`${url}/api/v1/synth/agents/register`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name, version: 'test-feed' }),
  });
  const body = (await res.json()) as { agent: { id: string; status: string } };
  if (res.status !== 200) throw new Error(`register ${name}: ${res.status} ${JSON.stringify(body)}`);
  return body.agent.id;
}

let seq = 0;

export async function postResults(
  url: string,
  token: string,
  agent: string,
  results: readonly TestResult[],
): Promise<{ stored: number }> {
  seq++;
  const lines = [
    JSON.stringify({ batch: { session: '0123456789abcdef', seq, results: results.length } }),
    ...results.map((r) => JSON.stringify(r)),
  ];
  const res = await fetch(`${url}/api/v1/synth/results?agent=${agent}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/x-ndjson',
      'content-encoding': 'gzip',
    },
    body: gzipSync(`${lines.join('\n')}\n`),
  });
  const body = (await res.json()) as { stored: number };
  if (res.status !== 200) throw new Error(`results: ${res.status} ${JSON.stringify(body)}`);
  return body;
}
