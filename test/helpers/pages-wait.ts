import type { Page } from 'playwright-core';
import type { PageGlobals } from './portal-page.js';

/**
 * Waits until the Devices, Synthetic tests or Ops page under `root` (its class) shows the answer to
 * the range in its URL (data-state ready, data-view the URL's query), or an error when `error`.
 */
export async function pageAnswered(page: Page, root: string, error = false): Promise<void> {
  await page.waitForFunction(
    ([selector, wantError]) => {
      const { document, location } = globalThis as unknown as PageGlobals;
      const el = document.querySelector(selector as string);
      if (wantError) return el?.dataset.state === 'error';
      return el?.dataset.state === 'ready' && el.dataset.view === location.search.slice(1);
    },
    [`.${root}`, error] as const,
  );
}

/** The index of a column by its header, in a table read with readTable. */
export function column(headers: readonly string[], header: string): number {
  const i = headers.indexOf(header);
  if (i < 0) throw new Error(`no column ${header} in ${headers.join(', ')}`);
  return i;
}
