import type { TableRows, TableSchema } from '../store/table/index.js';
import type { Tags } from './names.js';
import { metricFields } from './opentsdb-points.js';
import type { Registry } from './registry.js';

/** Tags common enough to get a column of their own in the metrics table ('' when absent). */
export const metricsTagColumns = ['device', 'tenant', 'reason', 'stage', 'code'] as const;

/**
 * The `metrics` table: the server's registry, one row per value per snapshot. `name` is the
 * metric's name, `field` which of its values ('' for a counter or gauge, `count`, `m1_rate`,
 * `p99`, … for meters, histograms and timers: as the OpenTSDB export splits them), `tags` every
 * tag as `k=v,k2=v2` (sorted by key).
 */
export const metricsTableSchema: TableSchema = {
  name: 'metrics',
  timeColumn: 'time',
  columns: [
    { name: 'time', kind: 'time' },
    { name: 'name', kind: 'string' },
    { name: 'field', kind: 'string' },
    { name: 'value', kind: 'f64' },
    { name: 'tags', kind: 'string' },
    ...metricsTagColumns.map((name) => ({ name, kind: 'string' as const })),
  ],
};

/** Every finite value of the registry at `time` (ms) as rows of the metrics table. */
export function metricsRows(registry: Registry, time: number): TableRows {
  const names: string[] = [];
  const fields: string[] = [];
  const values: number[] = [];
  const tags: string[] = [];
  const tagColumns = metricsTagColumns.map(() => [] as string[]);
  for (const family of registry.families())
    for (const metric of family.series) {
      const text = tagsText(metric.tags);
      for (const [field, value] of metricFields(metric)) {
        if (!Number.isFinite(value)) continue;
        names.push(metric.name);
        fields.push(field);
        values.push(value);
        tags.push(text);
        metricsTagColumns.forEach((key, k) => {
          tagColumns[k]!.push(metric.tags[key] ?? '');
        });
      }
    }
  const columns: Record<string, readonly number[] | readonly string[]> = {
    time: new Array<number>(names.length).fill(time),
    name: names,
    field: fields,
    value: values,
    tags,
  };
  metricsTagColumns.forEach((key, k) => {
    columns[key] = tagColumns[k]!;
  });
  return { rows: names.length, columns };
}

/**
 * `k=v,k2=v2`, keys sorted; a `\`, `,` or `=` inside a value is escaped with `\` so that the text
 * splits back unambiguously (keys are label names: letters, digits and `_`).
 */
export function tagsText(tags: Tags): string {
  return Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]!.replace(/[\\,=]/g, '\\$&')}`)
    .join(',');
}
