import { readFileSync } from 'node:fs';

/** Version from package.json, read relative to the compiled file (dist/src/cli). */
export function version(): string {
  const url = new URL('../../../package.json', import.meta.url);
  const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version: string };
  return `flowlens ${pkg.version}`;
}
