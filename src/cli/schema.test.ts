import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { repoRoot } from '../../test/helpers/paths.js';
import { schemaMarkdown } from './schema.js';

test('docs/schema.md is what `flowlens schema` generates from the schema file', () => {
  const doc = readFileSync(`${repoRoot}docs/schema.md`, 'utf8');
  assert.equal(doc, schemaMarkdown(), 'regenerate with: node dist/src/cli/main.js schema > docs/schema.md');
});
