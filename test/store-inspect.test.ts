import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { generateFlows } from './helpers/store-flows.js';
import { tempStoreDir, testStore } from './helpers/store-setup.js';

const main = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const HOUR = 3_600_000;
const MINUTE = 60_000;

test('flowlens store inspect prints tenants, devices, minutes, rows, bytes per column and ratio', async (t) => {
  const dir = tempStoreDir(t);
  const base = Math.floor((Date.now() - HOUR) / HOUR) * HOUR;
  const store = testStore(dir);
  await store.start();
  await store.append(
    'acme',
    generateFlows({ seed: 1, rows: 2000, minutes: [base, base + MINUTE], devices: [4, 5, 6] }),
  );
  await store.sealNow({ all: true });
  await store.append(
    'acme',
    generateFlows({ seed: 2, rows: 10, minutes: [base + 2 * MINUTE], devices: [4] }),
  );
  await store.stop();

  const json = spawnSync(process.execPath, [main, 'store', 'inspect', '--data', dir, '--format', 'json'], {
    encoding: 'utf8',
  });
  assert.equal(json.status, 0, json.stderr);
  const report = JSON.parse(json.stdout) as {
    tenants: {
      tenant: string;
      rows: number;
      minutes: number;
      devices: { id: number; rows: number }[];
      columns: { name: string; bytes: number; rawBytes: number }[];
      compressionRatio: number;
      files: Record<string, number>;
      walBytes: number;
      quarantined: string[];
    }[];
  };
  assert.equal(report.tenants.length, 1);
  const acme = report.tenants[0]!;
  assert.equal(acme.tenant, 'acme');
  assert.equal(acme.rows, 2010);
  assert.equal(acme.minutes, 3);
  assert.deepEqual(
    acme.devices.map((d) => d.id),
    [4, 5, 6],
  );
  assert.ok(acme.compressionRatio > 1, `ratio ${acme.compressionRatio}`);
  assert.ok(acme.columns.find((c) => c.name === 'src_addr')!.bytes > 0);
  assert.equal(acme.files.main, 3);
  assert.deepEqual(acme.quarantined, []);

  const text = spawnSync(process.execPath, [main, 'store', 'inspect', '--data', dir], { encoding: 'utf8' });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /tenant acme/);
  assert.match(text.stdout, /rows 2010, minutes 3/);
  assert.match(text.stdout, /ratio \d+\.\dx/);
  assert.match(text.stdout, /src_addr/);

  const missing = spawnSync(process.execPath, [main, 'store', 'inspect', '--data', `${dir}/nope`], {
    encoding: 'utf8',
  });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /no store/);
});
