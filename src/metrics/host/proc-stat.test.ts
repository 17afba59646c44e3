import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLoadAvg } from './proc-loadavg.js';
import { parseMeminfo } from './proc-meminfo.js';
import { parseMaxOpenFiles, parseThreads } from './proc-self.js';
import { parseProcStat } from './proc-stat.js';

const stat = `cpu  2725783 7 262368 764150 18563 11 5314 39867 100 3
cpu0 1364123 0 125661 390096 6820 0 1332 19595 0 0
cpu1 1361660 7 136706 374053 11742 11 3981 20271 100 3
intr 123456 0 0 0
ctxt 50295228
btime 1795247019
processes 269004
procs_running 3
procs_blocked 1
softirq 1 2 3
`;

test('/proc/stat: CPU ticks at USER_HZ 100 become seconds; guest columns are not modes', () => {
  const s = parseProcStat(stat);
  // Each column of the `cpu` line divided by 100 ticks per second.
  assert.deepEqual(s.cpuSeconds, {
    user: 27257.83,
    nice: 0.07,
    system: 2623.68,
    idle: 7641.5,
    iowait: 185.63,
    irq: 0.11,
    softirq: 53.14,
    steal: 398.67,
  });
  assert.equal(s.cpus, 2); // cpu0 and cpu1
  assert.equal(s.contextSwitches, 50295228);
  assert.equal(s.forks, 269004);
  assert.equal(s.procsRunning, 3);
  assert.equal(s.procsBlocked, 1);
  assert.equal(s.bootTime, 1795247019);
});

test('/proc/stat of an old kernel: the columns it lacks read NaN', () => {
  const s = parseProcStat('cpu 10 20 30 40\ncpu0 10 20 30 40\n');
  assert.equal(s.cpuSeconds.user, 0.1);
  assert.equal(s.cpuSeconds.idle, 0.4);
  assert.ok(Number.isNaN(s.cpuSeconds.iowait));
  assert.ok(Number.isNaN(s.cpuSeconds.steal));
  assert.ok(Number.isNaN(s.contextSwitches));
  assert.equal(s.cpus, 1);
});

test('/proc/loadavg: three averages and the task count after the slash', () => {
  assert.deepEqual(parseLoadAvg('0.93 1.89 2.33 1/94 9324\n'), {
    load1: 0.93,
    load5: 1.89,
    load15: 2.33,
    tasks: 94,
  });
});

test('/proc/meminfo: kB values are KiB, unit-less fields are counts', () => {
  const m = parseMeminfo(
    'MemTotal:       24684092 kB\nMemAvailable:   24133824 kB\nActive(anon):       1184 kB\nHugePages_Total:       3\nHugepagesize:       2048 kB\n',
  );
  assert.equal(m.get('MemTotal'), 25276510208); // 24684092 × 1024
  assert.equal(m.get('MemAvailable'), 24713035776); // 24133824 × 1024
  assert.equal(m.get('Active(anon)'), 1212416); // 1184 × 1024
  assert.equal(m.get('HugePages_Total'), 3);
  assert.equal(m.get('Hugepagesize'), 2097152);
  assert.equal(m.size, 5);
});

test('/proc/self/status threads and /proc/self/limits open files', () => {
  assert.equal(parseThreads('Name:\tnode\nUmask:\t0022\nThreads:\t11\nSigQ:\t0/96365\n'), 11);
  assert.ok(Number.isNaN(parseThreads('Name:\tnode\n')));
  const limits = (soft: string) =>
    'Limit                     Soft Limit           Hard Limit           Units     \n' +
    'Max processes             96365                96365                processes \n' +
    `Max open files            ${soft.padEnd(21)}1048576              files     \n`;
  assert.equal(parseMaxOpenFiles(limits('20000')), 20000);
  assert.equal(parseMaxOpenFiles(limits('unlimited')), Number.POSITIVE_INFINITY);
  assert.ok(Number.isNaN(parseMaxOpenFiles('Max processes 10 10 processes\n')));
});
