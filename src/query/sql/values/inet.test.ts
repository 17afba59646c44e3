import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareInet, formatInet, inetContainedBy, inetToText, parseInet } from './inet.js';

// Expected text forms are what PostgreSQL 15 prints for the same inputs.
const inetText = (s: string) => {
  const v = parseInet(s, false);
  return v === undefined ? undefined : inetToText(v);
};
const cidrText = (s: string) => {
  const v = parseInet(s, true);
  return v === undefined ? undefined : formatInet(v, true);
};

test('inet input and text forms', () => {
  assert.equal(inetText('10.0.0.1'), '10.0.0.1/32');
  assert.equal(inetText('10.1.2.3/8'), '10.1.2.3/8');
  assert.equal(inetText('10/8'), '10.0.0.0/8');
  assert.equal(inetText('01.2.3.04'), '1.2.3.4/32');
  assert.equal(inetText('::1'), '::1/128');
  assert.equal(inetText('2001:DB8::1'), '2001:db8::1/128');
  assert.equal(inetText('::ffff:1.2.3.4'), '::ffff:1.2.3.4/128');
  assert.equal(inetText('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1/128');
  for (const bad of ['10', '10.0.0.300', '1.2.3.4/33', '1.2.3', ' 1.2.3.4', '::1::2', '12345::', 'abc']) {
    assert.equal(parseInet(bad, false), undefined, bad);
  }
  assert.equal(formatInet(parseInet('10.0.0.1', false)!, false), '10.0.0.1');
});

test('cidr input: abbreviations, and host bits must be zero', () => {
  assert.equal(cidrText('10'), '10.0.0.0/8');
  assert.equal(cidrText('10.1'), '10.1.0.0/16');
  assert.equal(cidrText('128'), '128.0.0.0/16');
  assert.equal(cidrText('192.168'), '192.168.0.0/24');
  assert.equal(cidrText('224'), '224.0.0.0/4');
  assert.equal(cidrText('10.1.2.3'), '10.1.2.3/32');
  assert.equal(cidrText('2001:db8::/32'), '2001:db8::/32');
  assert.equal(parseInet('10.1.0.0/8', true), undefined);
});

test('ordering and containment as PostgreSQL defines them', () => {
  const p = (s: string) => parseInet(s, false)!;
  assert.ok(compareInet(p('1.2.3.4'), p('::1')) < 0); // IPv4 before IPv6
  assert.ok(compareInet(p('10.0.0.0/8'), p('10.0.0.0/16')) < 0); // same network: shorter prefix first
  assert.ok(compareInet(p('10.0.0.1'), p('10.0.0.2')) < 0);
  assert.equal(compareInet(p('10.0.0.1'), p('10.0.0.1/32')), 0);
  assert.equal(inetContainedBy(p('10.0.0.1'), p('10.0.0.0/8'), false), true);
  assert.equal(inetContainedBy(p('10.0.0.0/8'), p('10.0.0.0/8'), false), false);
  assert.equal(inetContainedBy(p('10.0.0.0/8'), p('10.0.0.0/8'), true), true);
  assert.equal(inetContainedBy(p('11.0.0.1'), p('10.0.0.0/8'), true), false);
  assert.equal(inetContainedBy(p('::ffff:10.0.0.1'), p('10.0.0.0/8'), true), false); // different families
});
