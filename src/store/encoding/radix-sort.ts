/**
 * Stable LSD radix sort of `perm[0..m)` by 32-bit `keys[0..m)` (keys[i] belongs to perm[i]; both
 * are permuted in place): three passes of 11 bits, each skipped when every key has the same digit
 * there. For the address dictionary's entries (tens of thousands per part), where
 * `Float64Array.prototype.sort` and a comparator sort were the writer's largest sorting costs.
 */
let tmpPerm: Uint32Array = new Uint32Array(1024);
let tmpKeys: Uint32Array = new Uint32Array(1024);
const counts = new Uint32Array(2048);

export function radixSort32(perm: Uint32Array, keys: Uint32Array, m: number): void {
  if (m < 2) return;
  if (tmpPerm.length < m) {
    tmpPerm = new Uint32Array(Math.max(m, tmpPerm.length * 2));
    tmpKeys = new Uint32Array(tmpPerm.length);
  }
  let fromP = perm;
  let fromK = keys;
  let toP = tmpPerm;
  let toK = tmpKeys;
  for (let shift = 0; shift < 32; shift += 11) {
    counts.fill(0);
    for (let i = 0; i < m; i++) counts[(fromK[i]! >>> shift) & 0x7ff]!++;
    if (counts[(fromK[0]! >>> shift) & 0x7ff] === m) continue;
    let sum = 0;
    for (let d = 0; d < 2048; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < m; i++) {
      const k = fromK[i]!;
      const at = counts[(k >>> shift) & 0x7ff]!++;
      toP[at] = fromP[i]!;
      toK[at] = k;
    }
    const p = fromP;
    fromP = toP;
    toP = p;
    const k = fromK;
    fromK = toK;
    toK = k;
  }
  if (fromP !== perm) {
    perm.set(fromP.subarray(0, m));
    keys.set(fromK.subarray(0, m));
  }
}
