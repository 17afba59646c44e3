/**
 * The loops that write a decoded address dictionary (`AddrTable`, addr-dict.ts) out: rows from
 * their entries, the entries whole, and the entries a column uses (the distinct form).
 */

/** Every row set to ::ffff:0.0.0.0 with native copies, doubling (word 3 is written next). */
export function mappedTemplate(out: Uint8Array, n: number): void {
  if (n === 0) return;
  out.fill(0, 0, 16);
  out[10] = 0xff;
  out[11] = 0xff;
  let done = 16;
  const end = n * 16;
  while (done < end) {
    const step = Math.min(done, end - done);
    out.copyWithin(done, 0, step);
    done += step;
  }
}

/**
 * Word 3 of every row from its entry; rows of the other entries (index ≥ d4: IPv6) also get
 * words 0-2. Over a template, not four stores a row: those were measured 20 % slower. IPv6 rows
 * come in runs (rows are sorted by address, and an IPv6 flow has IPv6 at both ends), so the
 * test per row is predictable. Returns 1 + a bad index, or 0.
 */
export function fillRows(
  word3: Uint32Array,
  others: Uint32Array,
  d4: number,
  d: number,
  indexes: Uint32Array,
  out: Uint32Array,
): number {
  let bad = 0;
  // Offsets computed from i: a second induction variable (o += 4) made V8's loop 2x slower.
  for (let i = 0; i < indexes.length; i++) {
    const k = indexes[i]!;
    const o = i * 4;
    out[o + 3] = word3[k]!;
    if (k >= d4) {
      if (k >= d) {
        bad = k + 1;
        continue;
      }
      const s = (k - d4) * 4;
      out[o] = others[s]!;
      out[o + 1] = others[s + 1]!;
      out[o + 2] = others[s + 2]!;
    }
  }
  return bad;
}

// The loops below are functions of their own with nothing but a return after the loop: on-stack
// replacement compiles a loop without feedback for the code after it, which then deoptimized at
// every call (AddrTable.writeEntries' and fill's own loops did, once per part read).

export function writeWord3(word3: Uint32Array, d4: number, out: Uint32Array): void {
  for (let e = 0; e < d4; e++) out[e * 4 + 3] = word3[e]!;
}

/** Word 3 of the entries past the IPv4 ones, into `word3` (for `fill`). */
export function copyWord3(word3: Uint32Array, others: Uint32Array, d4: number, size: number): void {
  for (let e = 0; e < size - d4; e++) word3[d4 + e] = others[e * 4 + 3]!;
}

export function writeMarkedV4(word3: Uint32Array, marks: Uint8Array, d4: number, out: Uint32Array): number {
  let n = 0;
  for (let e = 0; e < d4; e++) {
    out[n * 4 + 3] = word3[e]!;
    n += marks[e]!;
  }
  return n;
}

export function writeMarkedOthers(
  others: Uint32Array,
  marks: Uint8Array,
  d4: number,
  size: number,
  out: Uint32Array,
  from: number,
): number {
  let n = from;
  for (let e = d4; e < size; e++) {
    const o = n * 4;
    const s = (e - d4) * 4;
    out[o] = others[s]!;
    out[o + 1] = others[s + 1]!;
    out[o + 2] = others[s + 2]!;
    out[o + 3] = others[s + 3]!;
    n += marks[e]!;
  }
  return n;
}
