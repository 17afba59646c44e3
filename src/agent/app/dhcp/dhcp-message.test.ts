import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootp, opt, u32 } from '../../../../test/helpers/dhcp-craft.js';
import { DhcpError, DhcpMessage, dhcpErrorReasons } from './dhcp-message.js';

function parse(
  bytes: number[],
  captured = bytes.length,
): { m: DhcpMessage; usable: boolean; error: string | undefined } {
  const m = new DhcpMessage();
  const usable = m.parse(Uint8Array.from(bytes), 0, captured, bytes.length);
  return { m, usable, error: m.error === DhcpError.none ? undefined : dhcpErrorReasons[m.error] };
}

const text = (m: DhcpMessage, pos: number, length: number) =>
  Buffer.from(m.buf.subarray(pos, pos + length)).toString('latin1');

test('with option overload, options come first, then file, then sname (RFC 2131 4.1); the first instance counts', () => {
  const { m, error } = parse(
    bootp({
      op: 2,
      options: [...opt(53, [5]), ...opt(52, [3]), ...opt(51, u32(7200)), 255],
      file: [...opt(51, u32(60)), ...opt(12, 'from-file'), 255],
      sname: [...opt(12, 'from-sname'), ...opt(15, 'sname.test'), 255],
    }),
  );
  assert.equal(error, undefined);
  assert.equal(m.msgType, 5);
  assert.equal(m.leaseTime, 7200, 'options before file');
  assert.equal(text(m, m.hostNamePos, m.hostNameLength), 'from-file', 'file before sname');
  assert.equal(text(m, m.domainPos, m.domainLength), 'sname.test');
});

test('an overload option inside file or sname is ignored; without overload, file and sname are not options', () => {
  const inFile = parse(
    bootp({
      op: 2,
      options: [...opt(53, [2]), ...opt(52, [1]), 255],
      file: [...opt(52, [2]), 255],
      sname: [...opt(12, 'never'), 255],
    }),
  );
  assert.equal(inFile.m.hostNameLength, -1);
  const none = parse(bootp({ op: 2, options: [...opt(53, [2]), 255], file: [...opt(12, 'never'), 255] }));
  assert.equal(none.m.hostNameLength, -1);
});

test('plain BOOTP: no cookie, or a message ending before it, is usable with no options and no error', () => {
  const noCookie = parse(bootp({ op: 1, noCookie: true }));
  assert.deepEqual([noCookie.usable, noCookie.m.dhcp, noCookie.error], [true, false, undefined]);
  const short = parse(bootp({ op: 1, noCookie: true }).slice(0, 236));
  assert.deepEqual([short.usable, short.error], [true, undefined]);
});

test('the MAC is read for Ethernet and IEEE 802 hardware with 6-byte addresses only', () => {
  assert.equal(parse(bootp({ op: 1, htype: 1 })).m.hasMac, true);
  assert.equal(parse(bootp({ op: 1, htype: 6 })).m.hasMac, true);
  assert.equal(parse(bootp({ op: 1, htype: 32, hlen: 6 })).m.hasMac, false);
  assert.equal(parse(bootp({ op: 1, htype: 1, hlen: 16 })).m.hasMac, false);
});

test('bad input: an op that is not BOOTP, options of impossible lengths, a cut, a short message', () => {
  assert.deepEqual(parse(bootp({ op: 3 })).error, 'bad_op');
  assert.equal(parse(bootp({ op: 1, options: [53, 2, 1, 1, 255] })).error, 'bad_option', 'type of length 2');
  assert.equal(
    parse(bootp({ op: 1, options: [51, 3, 0, 0, 1, 255] })).error,
    'bad_option',
    'lease of length 3',
  );
  const past = parse(bootp({ op: 1, options: [...opt(53, [1]), 12, 9, 65] }));
  assert.deepEqual([past.error, past.m.msgType], ['bad_option', 1], 'what came before stays');
  const msg = bootp({ op: 1, options: [...opt(53, [1]), ...opt(12, 'cut-here'), 255] });
  const cut = parse(msg, 245);
  assert.deepEqual(
    [cut.usable, cut.error, cut.m.msgType, cut.m.hostNameLength],
    [true, 'capture_cut', 1, -1],
  );
  assert.deepEqual(parse(msg.slice(0, 30)).error, 'truncated');
});
