import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { metricValue } from '../../../test/helpers/host-tools.js';
import { Registry, refusedTagValuesName } from '../registry.js';
import { registerNetworkMetrics } from './network-metrics.js';

const rxBytes = 'flowlens_host_network_receive_bytes_total';

/** A procfs whose net/dev we rewrite: interfaces appear and go away. */
function fakeProc(): { root: string; setInterfaces(rx: Record<string, number>): void } {
  const root = mkdtempSync(join(tmpdir(), 'flowlens-proc-'));
  mkdirSync(join(root, 'net'));
  return {
    root,
    setInterfaces(rx) {
      const lines = Object.entries(rx).map(
        ([iface, n]) => `${iface}: ${n} 1 0 0 0 0 0 0 ${2 * n} 2 0 0 0 0 0 0`,
      );
      writeFileSync(
        join(root, 'net/dev'),
        `Inter-| Receive | Transmit\n face |bytes ...\n${lines.join('\n')}\n`,
      );
    },
  };
}

/** rx bytes by interface, after one read (which registers new interfaces and removes gone ones). */
function rxByIface(registry: Registry): Record<string, number> {
  metricValue(registry, rxBytes, { iface: 'lo' });
  const family = registry.families().find((f) => f.name === rxBytes)!;
  return Object.fromEntries(family.series.map((s) => [s.tags.iface, s.kind === 'counterFn' ? s.count : -1]));
}

test('interfaces that appear get series, those gone lose them, those past the tag limit sum into other', () => {
  const proc = fakeProc();
  try {
    proc.setInterfaces({ lo: 100, eth0: 200 });
    const registry = new Registry({ maxTagValues: 2 });
    registerNetworkMetrics(registry, { procRoot: proc.root, maxAgeMs: 0 });
    assert.deepEqual(rxByIface(registry), { lo: 100, eth0: 200 });
    assert.equal(metricValue(registry, 'flowlens_host_network_transmit_bytes_total', { iface: 'eth0' }), 400);

    // Two more: the tag already has its 2 values, so both are summed into `other` (300 + 400).
    proc.setInterfaces({ lo: 100, eth0: 200, wg0: 300, tun0: 400 });
    assert.deepEqual(rxByIface(registry), { lo: 100, eth0: 200, other: 700 });
    assert.ok(metricValue(registry, refusedTagValuesName, { metric: rxBytes, tag: 'iface' }) >= 2);

    // eth0 and tun0 go away: eth0's series is removed, other keeps only wg0.
    proc.setInterfaces({ lo: 150, wg0: 350 });
    assert.deepEqual(rxByIface(registry), { lo: 150, other: 350 });
  } finally {
    rmSync(proc.root, { recursive: true, force: true });
  }
});

test('no /proc/net/dev: no series and no error', () => {
  const registry = new Registry();
  registerNetworkMetrics(registry, { procRoot: '/nonexistent-proc', maxAgeMs: 100 });
  assert.equal(registry.families().length, 0);
});
