import type { Page } from 'playwright-core';

/** Reading the portal's pages in tests: tables as text, and when the Explorer has answered its URL. */

/**
 * The few DOM members the functions run in the page use (the tests compile without the DOM lib;
 * these run in Chromium, where they are the real ones).
 */
export interface El {
  readonly textContent: string | null;
  readonly parentElement: El | null;
  readonly dataset: Record<string, string | undefined>;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): Iterable<El>;
  getAttribute(name: string): string | null;
}
export type PageGlobals = { document: El; location: { search: string } };

export interface TableRead {
  readonly headers: string[];
  /** Each row's cell texts, and the raw value of cells that carry one (data-value). */
  readonly rows: { texts: string[]; values: (string | null)[] }[];
  readonly footer: { texts: string[]; values: (string | null)[] } | undefined;
  /** The pager's text ("rows 1–25 of 390 (page 1 of 16)"), when there is more than a page. */
  readonly pager: string | undefined;
}

export async function readTable(page: Page, label: string): Promise<TableRead> {
  return page.evaluate((name) => {
    const { document } = globalThis as unknown as PageGlobals;
    const table = document.querySelector(`table[aria-label="${name}"]`);
    if (table === null) throw new Error(`no table ${name}`);
    const cells = (tr: El) => ({
      texts: Array.from(tr.querySelectorAll('td'), (td) => (td.textContent ?? '').trim()),
      values: Array.from(
        tr.querySelectorAll('td'),
        (td) => td.querySelector('[data-value]')?.getAttribute('data-value') ?? null,
      ),
    });
    const foot = table.querySelector('tfoot tr');
    return {
      headers: Array.from(table.querySelectorAll('thead th'), (th) =>
        (th.textContent ?? '').replace(/[▲▼]/g, '').trim(),
      ),
      rows: Array.from(table.querySelectorAll('tbody tr'), cells),
      footer: foot === null ? undefined : cells(foot),
      pager: table.parentElement?.querySelector('.pager span')?.textContent ?? undefined,
    };
  }, label);
}

/** Waits until the Explorer shows the answer to the state in its URL. */
export async function explorerAnswered(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const { document, location } = globalThis as unknown as PageGlobals;
    const root = document.querySelector('.explorer');
    return root?.dataset.state === 'ready' && root.dataset.view === location.search.slice(1);
  });
}

/** The series the chart draws, from its list for screen readers. */
export async function chartSeries(page: Page): Promise<string[]> {
  return page.locator('.time-chart ul[aria-label="Series"] li').allTextContents();
}
