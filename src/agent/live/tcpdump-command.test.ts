import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tcpdumpArgs } from './tcpdump-command.js';

const base = { interface: 'eth0', snaplen: 4096, bufferKiB: 65536, promiscuous: false, command: 'tcpdump' };

test('pcap to stdout, each packet at once, not promiscuous, the filter last as one argument', () => {
  assert.deepEqual(
    tcpdumpArgs({ ...base, filter: 'tcp port 80 or udp' }, 'nobody').join(' '),
    '-i eth0 -U --immediate-mode -n -w - -B 65536 -s 4096 -p -Z nobody -- tcp port 80 or udp',
  );
  assert.equal(tcpdumpArgs({ ...base, filter: 'tcp port 80 or udp' }, 'nobody').at(-1), 'tcp port 80 or udp');
});

test('whole packets, promiscuous mode, no user switch, no filter', () => {
  assert.deepEqual(
    tcpdumpArgs({ ...base, snaplen: 0, promiscuous: true, filter: '  ' }, undefined).join(' '),
    '-i eth0 -U --immediate-mode -n -w - -B 65536 -s 0',
  );
});
