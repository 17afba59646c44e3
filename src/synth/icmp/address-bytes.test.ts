import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { requirePeer } from '../../../test/helpers/peers.js';
import { addressBytes } from './address-bytes.js';

test('IPv4 and IPv6 address bytes agree with Python’s ipaddress module', () => {
  const addresses = [
    '192.0.2.1',
    '0.0.0.0',
    '255.255.255.255',
    '::',
    '::1',
    '2001:db8::',
    '2001:db8:3::2',
    'fe80::1:2:3:4',
    '2001:db8:0:1:2:3:4:5',
    '::ffff:192.0.2.7',
    '64:ff9b::198.51.100.1',
    '1::',
    'abcd:ef01:2345:6789:abcd:ef01:2345:6789',
  ];
  const script = 'import ipaddress,sys\nfor a in sys.argv[1:]: print(ipaddress.ip_address(a).packed.hex())';
  const expected = execFileSync(requirePeer('python3'), ['-c', script, ...addresses], { encoding: 'utf8' })
    .trim()
    .split('\n');
  for (const [i, a] of addresses.entries())
    assert.equal(addressBytes(a, a.includes(':') ? 6 : 4).toString('hex'), expected[i], a);
});
