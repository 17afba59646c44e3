import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLiveFlags } from './live-flags.js';

test('no --interface: no live capture, and the live-only flags are refused', () => {
  assert.equal(parseLiveFlags({}), undefined);
  assert.throws(() => parseLiveFlags({ filter: 'tcp' }), /--filter needs --interface/);
  assert.throws(() => parseLiveFlags({ 'run-as': 'nobody' }), /--run-as needs --interface/);
});

test('defaults and values', () => {
  assert.deepEqual(parseLiveFlags({ interface: 'veth0' }), {
    interface: 'veth0',
    filter: undefined,
    runAs: undefined,
    write: undefined,
    snaplen: 4096,
    bufferKiB: 65536,
    promiscuous: false,
    command: 'tcpdump',
  });
  const o = parseLiveFlags({
    interface: 'any',
    filter: 'port 53',
    'run-as': 'flowlens',
    snaplen: '0',
    'buffer-size': '1024',
    promiscuous: true,
    tcpdump: '/opt/tcpdump',
    write: '/var/tmp/seen.pcap',
  });
  assert.deepEqual(o, {
    interface: 'any',
    filter: 'port 53',
    runAs: 'flowlens',
    write: '/var/tmp/seen.pcap',
    snaplen: 0,
    bufferKiB: 1024,
    promiscuous: true,
    command: '/opt/tcpdump',
  });
});

test('bad values are refused with the flag named', () => {
  assert.throws(
    () => parseLiveFlags({ interface: 'eth0; rm -rf /' }),
    /--interface must be an interface name/,
  );
  assert.throws(
    () => parseLiveFlags({ interface: 'lo', snaplen: '10' }),
    /--snaplen must be an integer from 64/,
  );
  assert.throws(() => parseLiveFlags({ interface: 'lo', 'buffer-size': '1.5' }), /--buffer-size/);
  assert.throws(() => parseLiveFlags({ interface: 'lo', 'run-as': '-Z' }), /--run-as must be a user name/);
  assert.throws(() => parseLiveFlags({ interface: '-w' }), /--interface must be an interface name/);
});
