import type { Load } from './useLoad.js';

/**
 * The root attributes of a page: `data-state` (loading, error, ready) and, once the data on screen
 * answers `key`, `data-view` (the URL query it answers) — what tests wait for.
 */
export function pageState(
  load: Load<unknown>,
  key: string,
  view: string,
): { 'data-state': string; 'data-view': string | undefined } {
  return {
    'data-state': load.loading ? 'loading' : load.error !== undefined ? 'error' : 'ready',
    'data-view': !load.loading && load.key === key ? view : undefined,
  };
}
