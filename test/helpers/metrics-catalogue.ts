/**
 * The metric families of a Prometheus exposition as catalogue rows (name, type, labels, help), so
 * that docs/metrics-catalogue.md can be checked against what a running server exports. The rate
 * gauges a meter or timer adds (`_m1_rate`, …) are folded into their family's row.
 */
export interface CatalogueRow {
  readonly name: string;
  readonly type: string;
  readonly labels: readonly string[];
  readonly help: string;
}

const rateSuffixes = ['_m1_rate', '_m5_rate', '_m15_rate', '_mean_rate'];

export function catalogueRows(exposition: string): CatalogueRow[] {
  const help = new Map<string, string>();
  const type = new Map<string, string>();
  const labels = new Map<string, Set<string>>();
  for (const line of exposition.split('\n')) {
    const h = /^# HELP (\S+) (.*)$/.exec(line);
    if (h !== null) help.set(h[1]!, h[2]!);
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t !== null) type.set(t[1]!, t[2]!);
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? /.exec(line);
    if (sample === null || line.startsWith('#')) continue;
    const family = familyOf(sample[1]!, type);
    const keys = labels.get(family) ?? new Set<string>();
    for (const m of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g))
      if (m[1] !== 'quantile') keys.add(m[1]!);
    labels.set(family, keys);
  }
  const rows: CatalogueRow[] = [];
  for (const [name, kind] of type) {
    const base = rateBase(name);
    // A meter's rates belong to its counter (`x_total` → `x_m1_rate`), a timer's to its summary.
    if (base !== undefined && (type.has(`${base}_total`) || type.get(base) === 'summary')) continue;
    rows.push({ name, type: kind, labels: [...(labels.get(name) ?? [])].sort(), help: help.get(name) ?? '' });
  }
  return rows.sort((a, b) => (a.name < b.name ? -1 : 1));
}

export function catalogueMarkdown(rows: readonly CatalogueRow[]): string {
  return rows
    .map((r) => `| \`${r.name}\` | ${r.type} | ${r.labels.join(', ')} | ${r.help.replace(/\|/g, '\\|')} |`)
    .join('\n');
}

function rateBase(name: string): string | undefined {
  const suffix = rateSuffixes.find((s) => name.endsWith(s));
  return suffix === undefined ? undefined : name.slice(0, -suffix.length);
}

function familyOf(sample: string, type: Map<string, string>): string {
  if (type.has(sample)) return sample;
  for (const suffix of ['_sum', '_count'])
    if (sample.endsWith(suffix) && type.get(sample.slice(0, -suffix.length)) === 'summary')
      return sample.slice(0, -suffix.length);
  return sample;
}
