import type { ComponentType } from 'preact';
import type { RouteParams } from '../../../src/portal/url-match.js';

/** What every page receives: the values of its path's `:name` segments. */
export interface PageProps {
  readonly params: RouteParams;
}

export interface PageRoute {
  /** `/devices/:id`: literal segments and `:name` segments (src/portal/url-match.ts). */
  readonly path: string;
  /** Shown in the navigation bar when set. */
  readonly label?: string;
  /** The page module, loaded on first visit (its own chunk). */
  readonly load: () => Promise<{ default: ComponentType<PageProps> }>;
}

/** One line per page, in navigation order. */
export const routes: readonly PageRoute[] = [
  { path: '/', label: 'Explorer', load: () => import('../pages/explorer/ExplorerPage.js') },
  { path: '/query', label: 'Query', load: () => import('../pages/query/QueryPage.js') },
  { path: '/devices', label: 'Devices', load: () => import('../pages/devices/DevicesPage.js') },
  { path: '/devices/:id', load: () => import('../pages/devices/DevicePage.js') },
  { path: '/synth', label: 'Synthetic tests', load: () => import('../pages/synth/SynthPage.js') },
  { path: '/synth/new', load: () => import('../pages/synth/TestFormPage.js') },
  { path: '/synth/tests/:id', load: () => import('../pages/synth/TestPage.js') },
  { path: '/synth/tests/:id/edit', load: () => import('../pages/synth/TestFormPage.js') },
  { path: '/ops', label: 'Ops', load: () => import('../pages/ops/OpsPage.js') },
];
