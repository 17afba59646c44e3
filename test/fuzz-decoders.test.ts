import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { decodeErrorReasons } from '../src/ingest/stats.js';
import { type Family, loadCorpus } from './fuzz/corpus.js';
import { craftedPackets } from './fuzz/crafted.js';
import { lengthFields } from './fuzz/length-fields.js';
import { mutate, Random } from './fuzz/mutate.js';
import { FuzzRig } from './fuzz/rig.js';

/**
 * Bad input never crashes the decoders and never loses good data. Seeded and reproducible:
 * FLOWLENS_FUZZ_SEED and FLOWLENS_FUZZ_MUTATIONS override the defaults; the seed is printed.
 */
const SEED = Number(process.env.FLOWLENS_FUZZ_SEED ?? 20260115) >>> 0;
const MUTATIONS = Number(process.env.FLOWLENS_FUZZ_MUTATIONS ?? 1_000_000);
const scratch = new Uint8Array(70_000);
let corpus: Family[] = [];
let packets: Uint8Array[] = [];

function report(rig: FuzzRig, phase: string, started: number): void {
  const errors = decodeErrorReasons
    .map((r, i) => [r, rig.stats.errors[i]!] as const)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${r}=${n}`)
    .join(' ');
  const ms = Math.round(performance.now() - started);
  console.log(
    `fuzz ${phase}: seed ${SEED}, ${rig.decoded} packets, ${rig.flows} flows, ${ms} ms; errors ${errors}`,
  );
}

function assertClean(rig: FuzzRig): void {
  const first = rig.failures[0];
  assert.equal(
    rig.failures.length,
    0,
    first &&
      `${rig.failures.length} failures (seed ${SEED}); first in ${first.phase}: ${first.message}\npacket ${first.packetHex}`,
  );
}

/** A rig whose exporter for family i has learned that family's templates from its clean packets. */
function primed(rig: FuzzRig, prefix: string, idBase: number): void {
  corpus.forEach((fam, i) => {
    const e = rig.exporter(`${prefix}.${i}.1`, idBase + i);
    for (const p of fam.packets) rig.decode(p, e);
  });
  rig.recycle(scratch, 0);
}

describe('decoders under hostile input', { timeout: 180_000 }, () => {
  before(async () => {
    console.log(`fuzz seed ${SEED} (set FLOWLENS_FUZZ_SEED to reproduce), ${MUTATIONS} mutations`);
    corpus = await loadCorpus();
    packets = corpus.flatMap((f) => f.packets);
    assert.ok(
      corpus.length >= 30 && packets.length >= 700,
      `corpus: ${corpus.length} exporters, ${packets.length} packets`,
    );
  });

  it('every packet truncated at every length', () => {
    const t0 = performance.now();
    const rig = new FuzzRig();
    rig.setPhase('truncation');
    primed(rig, '10.1', 1);
    corpus.forEach((fam, i) => {
      const e = rig.exporter(`10.1.${i}.1`, 1 + i);
      for (const p of fam.packets) {
        for (let len = 0; len < p.length; len++) {
          rig.decode(p.subarray(0, len), e);
          rig.recycle(p);
        }
      }
    });
    rig.checkBatches(scratch);
    report(rig, 'truncation', t0);
    assertClean(rig);
  });

  it('wrong values in every length and count field', () => {
    const t0 = performance.now();
    const rig = new FuzzRig();
    rig.setPhase('length fields');
    primed(rig, '10.2', 1);
    let fields = 0;
    corpus.forEach((fam, i) => {
      const e = rig.exporter(`10.2.${i}.1`, 1 + i);
      for (const p of fam.packets) {
        const view = new DataView(scratch.buffer, 0, p.length);
        for (const lf of lengthFields(p)) {
          fields++;
          scratch.set(p);
          const orig = lf.size === 2 ? view.getUint16(lf.offset) : view.getUint32(lf.offset);
          const max = lf.size === 2 ? 0xffff : 0xffffffff;
          for (const v of [
            0,
            1,
            2,
            3,
            4,
            orig - 1,
            orig + 1,
            orig + 4,
            orig * 2,
            orig >>> 1,
            max >>> 1,
            max,
          ]) {
            const value = Math.max(0, Math.min(max, v)) >>> 0;
            if (lf.size === 2) view.setUint16(lf.offset, value);
            else view.setUint32(lf.offset, value);
            rig.decode(scratch.subarray(0, p.length), e);
            rig.recycle(scratch);
          }
        }
      }
    });
    assert.ok(fields > 5000, `length fields found: ${fields}`);
    rig.checkBatches(scratch);
    report(rig, `length fields (${fields} fields)`, t0);
    assertClean(rig);
  });

  it('template loops, zero-length fields, huge counts', () => {
    const t0 = performance.now();
    const rig = new FuzzRig();
    craftedPackets().forEach((c, i) => {
      rig.setPhase(c.name);
      const e = rig.exporter(`10.3.${i}.1`, 1 + i);
      const start = performance.now();
      for (const p of c.packets) rig.decode(p, e);
      rig.checkBatches(c.packets[0]!);
      assert.ok(performance.now() - start < 500, `${c.name}: took ${performance.now() - start} ms`);
    });
    report(rig, 'crafted', t0);
    assertClean(rig);
    assert.ok(rig.stats.totalErrors() > 0);
  });

  it('random bytes, with and without a valid version', () => {
    const t0 = performance.now();
    const rig = new FuzzRig();
    rig.setPhase('random bytes');
    const rng = new Random(SEED ^ 0x9e3779b9);
    const exporters = [0, 1, 2, 3].map((k) => rig.exporter(`10.4.0.${k}`, 1 + k));
    const prefixes = [[0, 5], [0, 9], [0, 10], [0, 0, 0, 5], []];
    const words = new Uint32Array(scratch.buffer, 0, scratch.length >>> 2);
    for (let i = 0; i < 50_000; i++) {
      const len = rng.int(i % 50 === 0 ? 65_536 : 1500);
      for (let k = 0; k < len >>> 2; k++) words[k] = rng.u32();
      const prefix = prefixes[rng.int(prefixes.length)]!;
      for (let k = 0; k < prefix.length && k < len; k++) scratch[k] = prefix[k]!;
      rig.decode(scratch.subarray(0, len), exporters[i & 3]!);
      rig.recycle(scratch);
    }
    rig.checkBatches(scratch);
    report(rig, 'random bytes', t0);
    assertClean(rig);
  });

  it(`${MUTATIONS} mutated real packets`, () => {
    const t0 = performance.now();
    const rig = new FuzzRig();
    rig.setPhase('mutations');
    primed(rig, '10.5', 1);
    const rng = new Random(SEED);
    const exporters = corpus.map((_, i) => rig.exporter(`10.5.${i}.1`, 1 + i));
    for (let i = 0; i < MUTATIONS; i++) {
      const f = rng.int(corpus.length);
      const fam = corpus[f]!;
      const src = fam.packets[rng.int(fam.packets.length)]!;
      const len = mutate(rng, src, packets[rng.int(packets.length)]!, scratch);
      rig.decode(scratch.subarray(0, len), exporters[f]!);
      if ((i & 0x3fff) === 0) rig.checkBatches(scratch);
      rig.recycle(scratch);
    }
    rig.checkBatches(scratch);
    report(rig, 'mutations', t0);
    assertClean(rig);
  });

  it('good packets decode the same with garbage from another exporter interleaved', () => {
    const t0 = performance.now();
    const decodeStream = (garbagePerPacket: number): string[][] => {
      const rig = new FuzzRig();
      rig.setPhase(`interleaved ${garbagePerPacket}`);
      const rng = new Random(SEED ^ 0x51ed);
      const garbage = corpus.map((_, i) => rig.exporter(`172.16.${i}.1`, 1000 + i));
      const rows: string[][] = [];
      corpus.forEach((fam, i) => {
        const e = rig.exporter(`10.6.${i}.1`, 1 + i);
        for (const p of fam.packets) {
          for (let g = 0; g < garbagePerPacket; g++) {
            const k = rng.int(corpus.length);
            const src = corpus[k]!.packets[rng.int(corpus[k]!.packets.length)]!;
            const len = mutate(rng, src, packets[rng.int(packets.length)]!, scratch);
            rig.decode(scratch.subarray(0, len), garbage[k]!);
            rig.recycle(scratch, 4096);
          }
          const from = rig.out.flows.length;
          rig.decode(p, e);
          const got: string[] = [];
          for (let r = from; r < rig.out.flows.length; r++)
            got.push(JSON.stringify(rig.out.flows.rowObject(r)));
          rows.push(got);
        }
        rows.push([JSON.stringify({ exporter: i, ...e.stats, lastSeen: 0 })]);
      });
      assertClean(rig);
      return rows;
    };
    const alone = decodeStream(0);
    const mixed = decodeStream(20);
    const total = alone.reduce((n, r) => n + r.length, 0);
    assert.ok(total > 2000, `clean stream rows: ${total}`);
    assert.equal(mixed.length, alone.length);
    alone.forEach((rows, i) => {
      assert.deepEqual(mixed[i], rows, `packet ${i} of the clean stream`);
    });
    console.log(
      `fuzz interleaving: seed ${SEED}, ${total} clean rows identical, ${Math.round(performance.now() - t0)} ms`,
    );
  });
});

describe('the fuzz checks themselves', () => {
  it('catch a dirty cell past length, a bad string code and a thrown error', async () => {
    const { batchProblem } = await import('./fuzz/rig.js');
    const { createFlowBatch, F } = await import('../src/flow/batch.js');
    const b = createFlowBatch(16);
    assert.equal(batchProblem(b), undefined);
    b.length = 1;
    (b.arrays[F.i_device_name] as Uint32Array)[0] = 7;
    assert.match(batchProblem(b) ?? '', /code 7/);
    (b.arrays[F.i_device_name] as Uint32Array)[0] = 0;
    (b.arrays[F.in_bytes] as Float64Array)[5] = 1;
    assert.match(batchProblem(b) ?? '', /past length/);
    const rig = new FuzzRig();
    const e = rig.exporter('10.7.0.1', 1);
    rig.decode(null as unknown as Uint8Array, e);
    assert.equal(rig.failures.length, 1);
    assert.match(rig.failures[0]!.message, /threw/);
  });
});
