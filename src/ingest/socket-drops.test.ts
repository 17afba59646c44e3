import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readUdpDrops, SocketDropMonitor } from './socket-drops.js';

const procNetUdp = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  100: 00000000:0807 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 31415 2 0000000000000000 17
  101: 0100007F:18EB 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 31416 2 0000000000000000 0
`;

test('drops are read from the last column for sockets on our port', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-drops-'));
  t.after(() => rmSync(dir, { recursive: true }));
  writeFileSync(join(dir, 'udp'), procNetUdp);
  assert.equal(readUdpDrops(2055, [join(dir, 'udp'), join(dir, 'absent')]), 17);
  assert.equal(readUdpDrops(6379, [join(dir, 'udp')]), 0);
  assert.equal(readUdpDrops(9999, [join(dir, 'udp')]), undefined);
});

test('the monitor reports increases only', () => {
  let drops = 5;
  const reports: string[] = [];
  const m = new SocketDropMonitor(
    'netflow',
    () => drops,
    (d) => reports.push(d),
  );
  m.check();
  m.check();
  drops = 9;
  m.check();
  assert.equal(reports.length, 1);
  assert.match(reports[0]!, /netflow: the kernel dropped 4 datagrams .*9 since start/);
});
