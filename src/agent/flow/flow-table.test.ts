import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededUniform as random } from '../../ingest/export/random.js';
import { PacketKey } from './flow-key.js';
import { FlowTable, K_CLIENT, KEY_WORDS, List } from './flow-table.js';

/** A key from small numbers; `hash` forced into few buckets so probe runs are long and wrap. */
function keyOf(
  k: PacketKey,
  src: number,
  dst: number,
  sport: number,
  dport: number,
  hash: number,
): PacketKey {
  k.words.fill(0);
  k.words[0] = src;
  k.words[4] = dst;
  k.srcPort = sport;
  k.dstPort = dport;
  k.meta = 17;
  k.hash = hash;
  return k;
}

test('find, insert and remove agree with a Map under random churn and colliding hashes', () => {
  const capacity = 64;
  const table = new FlowTable(capacity);
  const model = new Map<string, { slot: number; a: number[] }>();
  const next = random(7);
  const k = new PacketKey();
  for (let step = 0; step < 20_000; step++) {
    const a = [
      Math.floor(next() * 12),
      Math.floor(next() * 12),
      Math.floor(next() * 4),
      Math.floor(next() * 4),
    ];
    const name = `${a[0]}:${a[2]}-${a[1]}:${a[3]}`;
    const reverse = `${a[1]}:${a[3]}-${a[0]}:${a[2]}`;
    // A symmetric hash, as PacketKey's is, squeezed into 8 of the 128 index positions' homes.
    const hash = ((a[0]! + a[1]! + a[2]! + a[3]!) % 8) * 16 + 120;
    keyOf(k, a[0]!, a[1]!, a[2]!, a[3]!, hash);
    const found = table.find(k);
    const entry = model.get(name) ?? model.get(reverse);
    if (entry === undefined) {
      assert.equal(found, -1, `step ${step}: ${name} absent`);
      if (table.size < capacity) {
        const slot = table.insert(k, next() < 0.5);
        model.set(name, { slot, a });
        assert.equal(table.find(k) >> 1, slot);
      }
    } else {
      assert.equal(found >> 1, entry.slot, `step ${step}: ${name} found in its slot`);
      // Stored client first: the packet is from the client when its source is the stored one.
      const fromClient =
        table.keys[entry.slot * KEY_WORDS + K_CLIENT] === a[0] && table.ports(entry.slot) >>> 16 === a[2];
      if (a[0] !== a[1] || a[2] !== a[3])
        assert.equal(found & 1, fromClient ? 0 : 1, `step ${step}: direction`);
      if (next() < 0.4) {
        table.remove(entry.slot);
        model.delete(model.has(name) ? name : reverse);
      }
    }
    assert.equal(table.size, model.size);
  }
});

test('the lists keep slots in the order they were last touched', () => {
  const table = new FlowTable(4);
  const k = new PacketKey();
  const s = [0, 1, 2].map((i) => table.insert(keyOf(k, i, 9, 1, 2, i), true));
  table.touch(s[0]!, List.open);
  table.touch(s[1]!, List.closed);
  const order = (list: number) => {
    const out: number[] = [];
    for (let x = table.oldest(list); x >= 0; x = table.after(x)) out.push(x);
    return out;
  };
  assert.deepEqual(order(List.open), [s[2], s[0]]);
  assert.deepEqual(order(List.closed), [s[1]]);
  table.remove(s[2]!);
  assert.deepEqual(order(List.open), [s[0]]);
  assert.equal(table.insert(keyOf(k, 5, 9, 1, 2, 5), true), s[2], 'the freed slot is reused first');
});
