import { coarseClock, type MetricsClock, monotonicClock, startCoarseClock } from './clock.js';
import { Counter, FunctionCounter } from './counter.js';
import { DecayingReservoir } from './decaying-reservoir.js';
import { exposedNames } from './exposed-names.js';
import { FunctionGauge, Gauge } from './gauge.js';
import { Histogram } from './histogram.js';
import { Meter } from './meter.js';
import type { Metric, MetricFamily, MetricKind } from './metric.js';
import {
  canonicalTags,
  checkMetricName,
  checkTags,
  MetricNameError,
  noTags,
  type Tags,
  tagsKey,
} from './names.js';
import { type RandomSource, randomSource, XorShift128 } from './random.js';
import type { Reservoir, ReservoirKind } from './reservoir.js';
import { Timer } from './timer.js';
import { UniformReservoir } from './uniform-reservoir.js';

export interface RegistryOptions {
  /**
   * The clock of meter ticks and reservoir weights, read on every mark and update. Default: the
   * coarse clock (clock.ts), which allocates nothing. A test's clock drives timer durations too.
   */
  readonly clock?: MetricsClock;
  /** The clock of timer durations. Default: the given `clock`, else the monotonic clock. */
  readonly durationClock?: MetricsClock;
  /** Uniform in [0, 1), for the reservoirs. Default: xorshift128 seeded from Math.random. */
  readonly random?: () => number;
  /** Distinct values one tag key of one metric may take; the rest become `other`. Default 100. */
  readonly maxTagValues?: number;
}

export interface MetricOptions {
  /** The `# HELP` text; the first registration that gives one sets it. */
  readonly help?: string;
  /** Histograms and timers: 'decaying' (the default, the last ~5 minutes) or 'uniform'. */
  readonly reservoir?: ReservoirKind;
}

/** The value a tag gets once its key has taken maxTagValues distinct values. */
export const overflowTagValue = 'other';
export const refusedTagValuesName = 'flowlens_metrics_refused_tag_values';

interface Family {
  readonly name: string;
  readonly kind: MetricKind;
  help: string;
  /** Canonical tags key → metric, in registration order. */
  readonly series: Map<string, Metric>;
  /** Per tag key, the distinct values seen so far. */
  readonly tagValues: Map<string, Set<string>>;
}

/**
 * The metrics of one process. `registry.counter(name, tags)` (and counterFn, gauge, gaugeFn, meter,
 * histogram, timer) returns the metric of that name and tags, creating it the first time; the
 * same name and tags always return the same object, so components obtain their metrics once and
 * keep them (the hot path never looks anything up). Label sets are bounded: past
 * `maxTagValues` distinct values of one tag key, a new value is replaced by `other` and counted
 * in flowlens_metrics_refused_tag_values_total{metric, tag}.
 */
export class Registry {
  readonly clock: MetricsClock;
  readonly durationClock: MetricsClock;
  private readonly random: RandomSource;
  private readonly maxTagValues: number;
  private readonly byName = new Map<string, Family>();
  /** Exposed Prometheus name → the metric it belongs to. */
  private readonly exposed = new Map<string, string>();

  constructor(options: RegistryOptions = {}) {
    if (options.clock === undefined) startCoarseClock();
    this.clock = options.clock ?? coarseClock;
    this.durationClock = options.durationClock ?? options.clock ?? monotonicClock;
    this.random = options.random === undefined ? new XorShift128() : randomSource(options.random);
    this.maxTagValues = options.maxTagValues ?? 100;
  }

  counter(name: string, tags: Tags = noTags, options?: MetricOptions): Counter {
    return this.obtain('counter', name, tags, options, (t) => new Counter(name, t));
  }

  /** A counter read from `fn` (a count kept in a stats object); registering again replaces `fn`. */
  counterFn(name: string, fn: () => number, tags: Tags = noTags, options?: MetricOptions): FunctionCounter {
    let created = false;
    const counter = this.obtain('counterFn', name, tags, options, (t) => {
      created = true;
      return new FunctionCounter(name, t, fn);
    });
    if (!created) counter.replace(fn);
    return counter;
  }

  gauge(name: string, tags: Tags = noTags, options?: MetricOptions): Gauge {
    return this.obtain('gauge', name, tags, options, (t) => new Gauge(name, t));
  }

  /** A gauge read from `fn`; registering the same name and tags again replaces the function. */
  gaugeFn(name: string, fn: () => number, tags: Tags = noTags, options?: MetricOptions): FunctionGauge {
    let created = false;
    const gauge = this.obtain('gaugeFn', name, tags, options, (t) => {
      created = true;
      return new FunctionGauge(name, t, fn);
    });
    if (!created) gauge.replace(fn);
    return gauge;
  }

  meter(name: string, tags: Tags = noTags, options?: MetricOptions): Meter {
    return this.obtain('meter', name, tags, options, (t) => new Meter(name, t, this.clock));
  }

  histogram(name: string, tags: Tags = noTags, options?: MetricOptions): Histogram {
    return this.obtain(
      'histogram',
      name,
      tags,
      options,
      (t) => new Histogram(name, t, this.reservoir(options)),
    );
  }

  timer(name: string, tags: Tags = noTags, options?: MetricOptions): Timer {
    return this.obtain(
      'timer',
      name,
      tags,
      options,
      (t) => new Timer(name, t, this.clock, this.durationClock, this.reservoir(options)),
    );
  }

  /** Forgets one series (a component that went away); its family stays. */
  remove(name: string, tags: Tags = noTags): boolean {
    const family = this.byName.get(name);
    const key = tagsKey(canonicalTags(tags));
    return family?.series.delete(key) ?? false;
  }

  /** Every family with its series now, sorted by name. */
  families(): MetricFamily[] {
    return [...this.byName.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((f) => ({ name: f.name, kind: f.kind, help: f.help, series: [...f.series.values()] }));
  }

  private reservoir(options: MetricOptions | undefined): Reservoir {
    return options?.reservoir === 'uniform'
      ? new UniformReservoir(this.random)
      : new DecayingReservoir(this.clock, this.random);
  }

  private obtain<M extends Metric>(
    kind: M['kind'],
    name: string,
    tags: Tags,
    options: MetricOptions | undefined,
    make: (tags: Tags) => M,
  ): M {
    const family = this.family(kind, name, options?.help);
    let canonical = canonicalTags(tags);
    let key = tagsKey(canonical);
    const found = family.series.get(key);
    if (found !== undefined) return found as M;
    checkTags(name, canonical);
    canonical = this.bound(family, canonical);
    key = tagsKey(canonical);
    const existing = family.series.get(key);
    if (existing !== undefined) return existing as M;
    const metric = make(canonical);
    family.series.set(key, metric);
    for (const [k, v] of Object.entries(canonical)) family.tagValues.get(k)!.add(v);
    return metric;
  }

  private family(kind: MetricKind, name: string, help: string | undefined): Family {
    let family = this.byName.get(name);
    if (family === undefined) {
      checkMetricName(name);
      const names = exposedNames(kind, name);
      for (const exposed of names) {
        const owner = this.exposed.get(exposed);
        if (owner !== undefined)
          throw new MetricNameError(
            `metric ${name}: its exposed name ${exposed} collides with metric ${owner}`,
          );
      }
      for (const exposed of names) this.exposed.set(exposed, name);
      family = { name, kind, help: '', series: new Map(), tagValues: new Map() };
      this.byName.set(name, family);
    } else if (family.kind !== kind) {
      throw new MetricNameError(`metric ${name} is a ${family.kind}, not a ${kind}`);
    }
    if (family.help === '' && help !== undefined) family.help = help;
    return family;
  }

  /** Replaces values past the per-key limit with `other`, counting each refusal. */
  private bound(family: Family, tags: Tags): Tags {
    let out: Record<string, string> | undefined;
    for (const [k, v] of Object.entries(tags)) {
      let seen = family.tagValues.get(k);
      if (seen === undefined) {
        seen = new Set();
        family.tagValues.set(k, seen);
      }
      if (seen.has(v) || seen.size < this.maxTagValues || v === overflowTagValue) continue;
      out ??= { ...tags };
      out[k] = overflowTagValue;
      if (family.name !== refusedTagValuesName)
        this.counter(
          refusedTagValuesName,
          { metric: family.name, tag: k },
          { help: 'Tag values replaced by "other": the tag key had reached its limit of distinct values' },
        ).inc();
    }
    return out === undefined ? tags : Object.freeze(out);
  }
}
