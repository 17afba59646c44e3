import { dimensionOf } from './explorer-dimensions.js';
import { type Filter, formatFilter, parseFilter } from './explorer-filters.js';
import { metricOf } from './explorer-metrics.js';
import { presetOf, type RangeSpec } from './explorer-range.js';

/**
 * Everything an Explorer view is, and its URL form (so a view can be shared):
 * `?range=1h&dim=src_as&dim=protocol&metric=bps&f=protocol+in+6,17&top=10`, or `from`/`to` in
 * ISO 8601 instead of `range`. Anything unknown or malformed in a URL falls back to the default.
 */

export interface ExplorerState {
  readonly range: RangeSpec;
  /** One to four dimensions, in order. */
  readonly dimensions: readonly string[];
  readonly metric: string;
  readonly filters: readonly Filter[];
  /** How many series the chart draws. */
  readonly top: number;
}

export const topChoices = [5, 10, 20, 50] as const;
export const maxDimensions = 4;

export const defaultState: ExplorerState = {
  range: { kind: 'relative', preset: '1h' },
  dimensions: ['src_as'],
  metric: 'bps',
  filters: [],
  top: 10,
};

export function decodeState(search: URLSearchParams): ExplorerState {
  const dimensions = [...new Set(search.getAll('dim'))].filter((d) => dimensionOf(d) !== undefined);
  const metric = search.get('metric') ?? '';
  const top = Number(search.get('top'));
  const filters: Filter[] = [];
  for (const text of search.getAll('f')) {
    const f = parseFilter(text);
    if (typeof f !== 'string') filters.push(f);
  }
  return {
    range: decodeRange(search),
    dimensions: dimensions.length > 0 ? dimensions.slice(0, maxDimensions) : defaultState.dimensions,
    metric: metricOf(metric) === undefined ? defaultState.metric : metric,
    filters,
    top: (topChoices as readonly number[]).includes(top) ? top : defaultState.top,
  };
}

function decodeRange(search: URLSearchParams): RangeSpec {
  const from = Date.parse(search.get('from') ?? '');
  const to = Date.parse(search.get('to') ?? '');
  if (Number.isFinite(from) && Number.isFinite(to) && to > from) return { kind: 'absolute', from, to };
  const preset = presetOf(search.get('range') ?? '');
  return preset === undefined ? defaultState.range : { kind: 'relative', preset: preset.id };
}

/** The URL query of a state; decodeState(encodeState(s)) is s. */
export function encodeState(state: ExplorerState): URLSearchParams {
  const search = new URLSearchParams();
  if (state.range.kind === 'relative') search.set('range', state.range.preset);
  else {
    search.set('from', new Date(state.range.from).toISOString());
    search.set('to', new Date(state.range.to).toISOString());
  }
  for (const d of state.dimensions) search.append('dim', d);
  search.set('metric', state.metric);
  for (const f of state.filters) search.append('f', formatFilter(f));
  search.set('top', String(state.top));
  return search;
}
