import { fileURLToPath } from 'node:url';

/** The repository root, from a compiled file under dist/. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** A flow-export capture of the ingest test data. */
export function flowFixture(name: string): string {
  return `${repoRoot}src/ingest/testdata/${name}`;
}
