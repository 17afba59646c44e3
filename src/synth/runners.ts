/**
 * `flowlens synth run <type> TARGET [options]`: one runner per test type — its options, how they
 * become a TestSpec, how to run it once and how to print the result for a person. To add a type,
 * add one line to `runners` pointing at a module that exports `runner`.
 */
import type { ParseArgsConfig } from 'node:util';
import type { RunHandle, TestResult, TestSpec } from './contract.js';
import type { IcmpEngine } from './icmp/engine.js';

export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

/** What every type's options share. */
export interface CommonOptions {
  readonly target: string;
  readonly family: 4 | 6 | undefined;
  /** --timeout, when given. */
  readonly timeoutMs: number | undefined;
}

export interface RunContext {
  /** The ICMP engine (raw sockets: root or CAP_NET_RAW), opened on first use, closed after the run. */
  icmp(): IcmpEngine;
}

export interface Runner {
  /** The type's own options, in node:util parseArgs form (the common ones are added). */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Help lines for those options. */
  readonly help: string;
  /** The spec, or an error message for the user. */
  spec(common: CommonOptions, values: OptionValues): TestSpec | string;
  run(spec: TestSpec, context: RunContext, signal: AbortSignal): Promise<TestResult>;
  /** The same without a promise or signal (Probe.start), where the type has such a fast path. */
  start?(spec: TestSpec, context: RunContext, time: number, done: (result: TestResult) => void): RunHandle;
  /** The result for a terminal (--format text), ending with a newline. */
  text(result: TestResult, spec: TestSpec): string;
}

export const runners: Record<string, () => Promise<Runner>> = {
  ping: async () => (await import('./ping-runner.js')).runner,
  trace: async () => (await import('./trace-runner.js')).runner,
  http: async () => (await import('./probes/http-runner.js')).runner,
  dns: async () => (await import('./probes/dns-runner.js')).runner,
  tcp: async () => (await import('./probes/tcp-runner.js')).runner,
};

/** A non-negative integer option (`--name N`), its default, or an error message. */
export function intOption(
  values: OptionValues,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number | string {
  const text = values[name];
  if (text === undefined) return fallback;
  const n = Number(text);
  if (typeof text !== 'string' || !/^\d+$/.test(text) || n < min || n > max)
    return `--${name} must be an integer from ${min} to ${max}, not '${String(text)}'`;
  return n;
}

/** Milliseconds with 3 decimals ('-' for NaN), for text output. */
export function ms(value: number, digits = 3): string {
  return Number.isNaN(value) ? '-' : value.toFixed(digits);
}
