import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Registry } from '../registry.js';
import { instrumentHost } from './instrument-host.js';

function valuesOf(registry: Registry): Map<string, number> {
  const out = new Map<string, number>();
  for (const f of registry.families())
    for (const s of f.series) {
      const key = `${f.name}${JSON.stringify(s.tags)}`;
      out.set(key, s.kind === 'gauge' || s.kind === 'gaugeFn' ? s.value : s.count);
    }
  return out;
}

test('every host and process metric has help text and a finite value', () => {
  const registry = new Registry();
  const host = instrumentHost(registry, { dataDir: tmpdir() });
  try {
    const families = registry.families();
    for (const f of families) {
      assert.match(f.name, /^flowlens_(host|process)_/);
      assert.notEqual(f.help, '', `${f.name} has no help`);
    }
    const names = new Set(families.map((f) => f.name));
    for (const name of [
      'flowlens_process_cpu_seconds_total',
      'flowlens_process_open_fds',
      'flowlens_process_gc_pause_seconds',
      'flowlens_host_cpu_seconds_total',
      'flowlens_host_memory_available_bytes',
      'flowlens_host_network_receive_bytes_total',
      'flowlens_host_udp_receive_buffer_errors_total',
      'flowlens_host_datadir_available_bytes',
    ])
      assert.ok(names.has(name), `${name} is registered`);
    for (const [series, value] of valuesOf(registry)) {
      // The lag window may hold no sample yet (NaN); the soft fd limit may be unlimited.
      if (series.includes('event_loop_lag') || series.startsWith('flowlens_process_max_fds')) continue;
      assert.ok(Number.isFinite(value), `${series} = ${value}`);
    }
  } finally {
    host.stop();
  }
});

test('a data directory on tmpfs has space series but no block-device series', (t) => {
  // /dev/shm is a tmpfs on every Linux with glibc; its st_dev is anonymous and its source not a device.
  assert.ok(existsSync('/dev/shm'), 'this test needs /dev/shm');
  const dir = mkdtempSync('/dev/shm/flowlens-host-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const registry = new Registry();
  const host = instrumentHost(registry, { dataDir: dir });
  host.stop();
  const names = registry.families().map((f) => f.name);
  assert.ok(names.includes('flowlens_host_datadir_size_bytes'));
  assert.deepEqual(
    names.filter((n) => n.startsWith('flowlens_host_disk_')),
    [],
  );
});

test('without procfs only the runtime and statfs series remain, and nothing throws', () => {
  const registry = new Registry();
  const empty = mkdtempSync(join(tmpdir(), 'flowlens-noproc-'));
  try {
    const host = instrumentHost(registry, { dataDir: empty, procRoot: join(empty, 'proc') });
    host.stop();
    const names = registry.families().map((f) => f.name);
    assert.equal(
      names.filter((n) => n.startsWith('flowlens_host_') && !n.startsWith('flowlens_host_datadir_')).length,
      0,
    );
    for (const n of ['flowlens_process_open_fds', 'flowlens_process_max_fds', 'flowlens_process_os_threads'])
      assert.ok(!names.includes(n), `${n} needs procfs`);
    assert.ok(names.includes('flowlens_process_resident_memory_bytes'));
    assert.ok(names.includes('flowlens_host_datadir_size_bytes'));
  } finally {
    rmSync(empty, { recursive: true, force: true });
  }
});
