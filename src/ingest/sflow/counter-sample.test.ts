import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sflowSetup as setup } from '../../../test/helpers/sflow-context.js';
import * as c from '../../../test/helpers/sflow-craft.js';
import { decodeSflow } from './sflow.js';

describe('sFlow counter samples', () => {
  test('generic interface counters become counter rows; other counter records are skipped', () => {
    const { ctx, out, stats } = setup();
    const gic = c.genericInterfaceCounters({
      ifIndex: 4,
      speed: 2.5e10,
      inOctets: 2 ** 50,
      outErrors: 9,
      status: 3,
    });
    decodeSflow(c.datagram([c.counterSample([gic, c.tagged(2, c.u32(0, 0)), gic], 1, 4, true)]), ctx, out);
    assert.equal(out.counters.length, 2);
    assert.equal(stats.counterRecords, 2);
    const row = out.counters.rowObject(0);
    assert.deepEqual(
      [row.if_index, row.if_speed, row.if_in_octets, row.if_out_errors, row.if_status],
      [4, 2.5e10, 2 ** 50, 9, 3],
    );
    assert.equal(row.i_device_name, 'sw1');
  });

  test('a counter sample with a bad record leaves none of its rows', () => {
    const { ctx, out, stats } = setup();
    const gic = c.genericInterfaceCounters({ ifIndex: 4 });
    const short = c.tagged(1, c.u32(1, 2, 3));
    decodeSflow(c.datagram([c.counterSample([gic, short]), c.counterSample([gic])]), ctx, out);
    assert.equal(out.counters.length, 1);
    assert.equal(stats.count('bad_sample'), 1);
    assert.equal(stats.counterRecords, 1);
  });
});
