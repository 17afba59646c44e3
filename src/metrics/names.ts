/**
 * Metric names and tags. Names are `flowlens_<component>_<name>_<unit>` (lower case, digits,
 * underscores); tag keys are Prometheus label names that the exporters do not reserve. A
 * mistake here is a programming error, found when the metric is registered: it throws.
 */

/** Tag key → value. A metric's tags are fixed when it is registered. */
export type Tags = Readonly<Record<string, string>>;

export const noTags: Tags = Object.freeze({});

const namePattern = /^flowlens_[a-z][a-z0-9]*(?:_[a-z0-9]+){2,}$/;
const tagKeyPattern = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Labels the Prometheus exposition adds itself (summary quantiles, histogram buckets). */
const reservedTagKeys = new Set(['quantile', 'le']);

export class MetricNameError extends Error {
  readonly code = 'bad_metric_name';
}

export function checkMetricName(name: string): void {
  if (!namePattern.test(name))
    throw new MetricNameError(
      `metric name "${name}" is not flowlens_<component>_<name>_<unit> (lower case letters, digits, underscores)`,
    );
}

export function checkTags(name: string, tags: Tags): void {
  for (const [key, value] of Object.entries(tags)) {
    if (!tagKeyPattern.test(key) || key.startsWith('__') || reservedTagKeys.has(key))
      throw new MetricNameError(
        `metric ${name}: tag key "${key}" must match [a-zA-Z_][a-zA-Z0-9_]*, not start with __, and not be quantile or le`,
      );
    if (typeof value !== 'string') throw new MetricNameError(`metric ${name}: tag ${key} is not a string`);
  }
}

/** The tags in key order, frozen: the identity of a series within its metric family. */
export function canonicalTags(tags: Tags): Tags {
  const keys = Object.keys(tags).sort();
  const out: Record<string, string> = {};
  for (const key of keys) out[key] = tags[key]!;
  return Object.freeze(out);
}

/** A map key for a canonical tag set. */
export function tagsKey(tags: Tags): string {
  return JSON.stringify(Object.entries(tags));
}
