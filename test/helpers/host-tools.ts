import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { Metric } from '../../src/metrics/metric.js';
import type { Registry } from '../../src/metrics/registry.js';
import { requirePeer } from './peers.js';

/** The stdout of a system tool (iproute2, procps, coreutils, util-linux), in the C locale. */
export function tool(command: string, args: string[]): string {
  return execFileSync(requirePeer(command), args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
}

/**
 * A counter that only goes up, read by us before and after the tool read it: ours before ≤ the
 * tool's ≤ ours after. Exact, however busy the machine (other tests send UDP, write files).
 */
export function assertBetween(what: string, before: number, tool: number, after: number): void {
  assert.ok(before <= tool && tool <= after, `${what}: ours ${before} then ${after}, the tool's ${tool}`);
}

/** A series' value: a counter's count, a gauge's value, a histogram's or timer's count of events. */
export function metricValue(registry: Registry, name: string, tags: Record<string, string> = {}): number {
  const s = series(registry, name, tags);
  return s.kind === 'gauge' || s.kind === 'gaugeFn' ? s.value : s.count;
}

/** A timer's or histogram's sum of values. */
export function metricSum(registry: Registry, name: string, tags: Record<string, string> = {}): number {
  const s = series(registry, name, tags);
  if (s.kind !== 'histogram' && s.kind !== 'timer') throw new Error(`${name} is a ${s.kind}`);
  return s.sum;
}

function series(registry: Registry, name: string, tags: Record<string, string>): Metric {
  const family = registry.families().find((f) => f.name === name);
  const want = JSON.stringify(Object.entries(tags).sort());
  const found = family?.series.find((s) => JSON.stringify(Object.entries(s.tags).sort()) === want);
  if (found === undefined) throw new Error(`no series ${name}${want}`);
  return found;
}
