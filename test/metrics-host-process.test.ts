import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { instrumentHost } from '../src/metrics/host/instrument-host.js';
import { cpuModes, userHz } from '../src/metrics/host/proc-stat.js';
import { Registry } from '../src/metrics/registry.js';
import { assertBetween, metricValue, tool } from './helpers/host-tools.js';
import { repoRoot } from './helpers/paths.js';

/** A registry with the host metrics, reading /proc afresh on every read (maxAgeMs 0). */
function hostRegistry(t: { after(fn: () => void): void }): Registry {
  const registry = new Registry();
  const host = instrumentHost(registry, { dataDir: repoRoot, maxAgeMs: 0 });
  t.after(() => host.stop());
  return registry;
}

test('open fds: as many as `ls /proc/PID/fd | wc -l` lists', async (t) => {
  const registry = hostRegistry(t);
  // The shell that runs ls is started before we count: starting a child opens short-lived fds in
  // this process (seen while the child runs), while writing a command to its stdin and reading
  // the answer from its stdout opens none.
  const sh = spawn('sh', [], { stdio: ['pipe', 'pipe', 'ignore'] });
  t.after(() => sh.kill());
  const answers = createInterface({ input: sh.stdout });
  const ask = async (command: string) => {
    const answer = once(answers, 'line');
    sh.stdin.write(`${command}\n`);
    return String((await answer)[0]);
  };
  assert.equal(await ask('echo ready'), 'ready');
  const before = metricValue(registry, 'flowlens_process_open_fds');
  const listed = Number(await ask(`ls /proc/${process.pid}/fd | wc -l`));
  const after = metricValue(registry, 'flowlens_process_open_fds');
  assert.equal(listed, before);
  assert.equal(after, before);
});

test('fd limit: the soft limit `ulimit -n` reports in a child (which inherits it)', (t) => {
  const registry = hostRegistry(t);
  const soft = tool('sh', ['-c', 'ulimit -n']).trim();
  const ours = metricValue(registry, 'flowlens_process_max_fds');
  assert.equal(ours, soft === 'unlimited' ? Number.POSITIVE_INFINITY : Number(soft));
});

test('threads: as many as /proc/PID/task lists', (t) => {
  const registry = hostRegistry(t);
  const before = metricValue(registry, 'flowlens_process_os_threads');
  const listed = Number(tool('sh', ['-c', `ls /proc/${process.pid}/task | wc -l`]));
  const after = metricValue(registry, 'flowlens_process_os_threads');
  assert.ok(
    listed >= Math.min(before, after) && listed <= Math.max(before, after),
    `${before} ${listed} ${after}`,
  );
});

test('host CPU ticks, context switches and forks: as `vmstat -s` counts them', (t) => {
  // Our seconds are ticks / 100: the kernel's USER_HZ, which getconf reports as CLK_TCK.
  assert.equal(Number(tool('getconf', ['CLK_TCK'])), userHz);
  const registry = hostRegistry(t);
  const read = () => ({
    cpu: cpuModes.map((mode) => metricValue(registry, 'flowlens_host_cpu_seconds_total', { mode })),
    ctxt: metricValue(registry, 'flowlens_host_context_switches_total'),
    forks: metricValue(registry, 'flowlens_host_forks_total'),
  });
  const before = read();
  const vmstat = new Map<string, number>();
  for (const line of tool('vmstat', ['-s']).split('\n')) {
    const m = /^\s*(\d+)\s+(.+?)\s*$/.exec(line);
    if (m !== null) vmstat.set(m[2]!, Number(m[1]));
  }
  const after = read();
  // procps's labels for the `cpu` line's columns, in our mode order.
  const labels = ['non-nice user', 'nice user', 'system', 'idle', 'IO-wait', 'IRQ', 'softirq', 'stolen'];
  labels.forEach((label, i) => {
    const ticks = vmstat.get(`${label} cpu ticks`);
    assert.ok(ticks !== undefined, `vmstat -s has ${label} cpu ticks`);
    assertBetween(`cpu ${cpuModes[i]}`, before.cpu[i]!, ticks / userHz, after.cpu[i]!);
  });
  assertBetween('context switches', before.ctxt, vmstat.get('CPU context switches')!, after.ctxt);
  assertBetween('forks', before.forks, vmstat.get('forks')!, after.forks);
  assert.equal(metricValue(registry, 'flowlens_host_boot_time_seconds'), vmstat.get('boot time'));
  assert.equal(
    metricValue(registry, 'flowlens_host_online_cpus'),
    Number(tool('getconf', ['_NPROCESSORS_ONLN'])),
  );
});

test('load averages: as `uptime` prints them', (t) => {
  const registry = hostRegistry(t);
  const read = () =>
    ['1m', '5m', '15m'].map((span) => metricValue(registry, `flowlens_host_load_average_${span}`).toFixed(2));
  const before = read();
  const m = /load average: ([\d.]+), ([\d.]+), ([\d.]+)/.exec(tool('uptime', []));
  assert.ok(m !== null);
  const after = read();
  // The kernel updates the averages every 5 s: uptime saw the values we read before or after.
  const printed = m.slice(1, 4);
  assert.ok(
    JSON.stringify(printed) === JSON.stringify(before) || JSON.stringify(printed) === JSON.stringify(after),
    `uptime ${printed}, ours ${before} then ${after}`,
  );
});

test('memory: as `free -b` reports it', (t) => {
  const registry = hostRegistry(t);
  const before = metricValue(registry, 'flowlens_host_memory_available_bytes');
  const free = tool('free', ['-b']);
  const after = metricValue(registry, 'flowlens_host_memory_available_bytes');
  const mem = /^Mem:\s+(\d+)\s+\d+\s+\d+\s+\d+\s+\d+\s+(\d+)/m.exec(free);
  const swap = /^Swap:\s+(\d+)/m.exec(free);
  assert.ok(mem !== null && swap !== null, free);
  assert.equal(metricValue(registry, 'flowlens_host_memory_total_bytes'), Number(mem[1]));
  assert.equal(metricValue(registry, 'flowlens_host_swap_total_bytes'), Number(swap[1]));
  // Available memory moves with every allocation on the machine (other tests, compilers): in
  // the few ms between our reads and free's it cannot move by more than 256 MiB.
  const slack = 256 * 2 ** 20;
  const available = Number(mem[2]);
  assert.ok(
    available >= Math.min(before, after) - slack && available <= Math.max(before, after) + slack,
    `free ${available}, ours ${before} then ${after}`,
  );
});
