import { rateGauges } from './exposed-names.js';
import type { Histogram } from './histogram.js';
import type { Metric, MetricFamily } from './metric.js';
import type { Tags } from './names.js';
import type { Registry } from './registry.js';
import { reportedQuantiles } from './snapshot.js';
import type { Timer } from './timer.js';

/** The Content-Type of the Prometheus text exposition format 0.0.4. */
export const prometheusContentType = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The registry in the Prometheus text exposition format 0.0.4: per family `# HELP` and `# TYPE`,
 * then its samples. Counters are exposed as `<name>_total`; a meter as the counter
 * `<name>_total` plus the gauges `<name>_m1_rate`, `_m5_rate`, `_m15_rate`, `_mean_rate`
 * (per second); histograms as summaries (quantile 0.5 … 0.999, `_sum`, `_count`); timers as
 * summaries of seconds plus the rate gauges of their meter.
 */
export function prometheusText(registry: Registry): string {
  const out: string[] = [];
  for (const family of registry.families()) writeFamily(out, family);
  return out.join('');
}

function writeFamily(out: string[], family: MetricFamily): void {
  const { series } = family;
  if (series.length === 0) return;
  const { name, help } = family;
  const base = name.endsWith('_total') ? name.slice(0, -'_total'.length) : name;
  switch (family.kind) {
    case 'counter':
    case 'counterFn':
      header(out, `${base}_total`, 'counter', help);
      for (const m of series) sample(out, `${base}_total`, m.tags, numberOf(m));
      return;
    case 'gauge':
    case 'gaugeFn':
      header(out, name, 'gauge', help);
      for (const m of series) sample(out, name, m.tags, numberOf(m));
      return;
    case 'meter':
      header(out, `${base}_total`, 'counter', help);
      for (const m of series) sample(out, `${base}_total`, m.tags, numberOf(m));
      rates(out, base, help, series);
      return;
    case 'histogram':
    case 'timer':
      header(out, name, 'summary', help);
      for (const m of series) if (m.kind === 'histogram' || m.kind === 'timer') summary(out, name, m);
      if (family.kind === 'timer') rates(out, name, help, series);
      return;
  }
}

/** A counter's or meter's count, a gauge's value. */
function numberOf(m: Metric): number {
  return m.kind === 'gauge' || m.kind === 'gaugeFn' ? m.value : m.count;
}

function summary(out: string[], name: string, m: Histogram | Timer): void {
  const snapshot = m.snapshot();
  for (const { q, label } of reportedQuantiles)
    sample(out, name, m.tags, snapshot.quantile(q), `quantile="${label}"`);
  sample(out, `${name}_sum`, m.tags, m.sum);
  sample(out, `${name}_count`, m.tags, m.count);
}

function rates(out: string[], base: string, help: string, series: readonly Metric[]): void {
  for (const rate of rateGauges) {
    const name = `${base}_${rate.suffix}`;
    header(out, name, 'gauge', help === '' ? rate.help : `${help} (${rate.help})`);
    for (const m of series)
      if (m.kind === 'meter' || m.kind === 'timer') sample(out, name, m.tags, m[rate.read]);
  }
}

function header(out: string[], name: string, type: string, help: string): void {
  if (help !== '') out.push(`# HELP ${name} ${escapeHelp(help)}\n`);
  out.push(`# TYPE ${name} ${type}\n`);
}

function sample(out: string[], name: string, tags: Tags, value: number, extra?: string): void {
  let labels = '';
  for (const [k, v] of Object.entries(tags))
    labels += `${labels === '' ? '' : ','}${k}="${escapeLabelValue(v)}"`;
  if (extra !== undefined) labels += `${labels === '' ? '' : ','}${extra}`;
  out.push(`${name}${labels === '' ? '' : `{${labels}}`} ${formatValue(value)}\n`);
}

/** Label values escape backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** HELP text escapes backslash and line feed. */
export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\n' ? '\\n' : '\\\\'));
}

/** Go's ParseFloat spellings: NaN, +Inf, -Inf; numbers in JavaScript's shortest round-trip form. */
export function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
