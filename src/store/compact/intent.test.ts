import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { recoverCompactions, writeIntent } from './intent.js';

function setup(t: { after: (fn: () => void) => void }) {
  const root = mkdtempSync(join(tmpdir(), 'flowlens-intent-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  mkdirSync(join(root, '2026/11/21'), { recursive: true });
  const inputs = ['0100.seg', '0100.late-0000000000000009.seg'].map((f) => join(root, '2026/11/21', f));
  for (const input of inputs) writeFileSync(input, 'rows');
  return { root, inputs, output: join(root, '2026/11/21/0100.merged-0000000000000009.seg') };
}

test('an interrupted rewrite whose output exists is rolled forward: the inputs go', async (t) => {
  const { root, inputs, output } = setup(t);
  await writeIntent(root, [output], inputs);
  writeFileSync(output, 'merged');
  rmSync(inputs[0]!); // the crash came after the first deletion
  assert.equal(await recoverCompactions(root), 1);
  assert.ok(existsSync(output));
  assert.ok(inputs.every((p) => !existsSync(p)));
  assert.deepEqual(
    readdirSync(root).filter((f) => f.endsWith('.intent.json')),
    [],
  );
});

test('an interrupted rewrite without its output is rolled back: inputs stay, the temporary goes', async (t) => {
  const { root, inputs, output } = setup(t);
  await writeIntent(root, [output], inputs);
  writeFileSync(`${output}.tmp`, 'half');
  assert.equal(await recoverCompactions(root), 1);
  assert.ok(inputs.every((p) => existsSync(p)));
  assert.ok(!existsSync(`${output}.tmp`));
  assert.equal(await recoverCompactions(root), 0);
});

test('a rewrite with several outputs is rolled back unless all of them were renamed', async (t) => {
  const { root, inputs, output } = setup(t);
  const second = output.replace('.seg', '-1.seg');
  await writeIntent(root, [output, second], inputs);
  writeFileSync(output, 'first half');
  writeFileSync(`${second}.tmp`, 'second half');
  assert.equal(await recoverCompactions(root), 1);
  assert.ok(inputs.every((p) => existsSync(p)));
  assert.ok(!existsSync(output) && !existsSync(second) && !existsSync(`${second}.tmp`));
});
