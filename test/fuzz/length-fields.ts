/** A length or count field inside an export packet: where it is and how wide (2 or 4 bytes). */
export interface LengthField {
  readonly offset: number;
  readonly size: 2 | 4;
}

/**
 * Finds the length and count fields of a well-formed export packet by walking its structure
 * (NetFlow v5/v9, IPFIX, sFlow v5), so that the fuzz test can put wrong values in each of them.
 * Stops where the structure stops making sense.
 */
export function lengthFields(b: Uint8Array): LengthField[] {
  const out: LengthField[] = [];
  if (b.length < 4) return out;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const version = dv.getUint16(0);
  if (version === 5) out.push({ offset: 2, size: 2 });
  else if (version === 9) {
    out.push({ offset: 2, size: 2 });
    sets(dv, 20, out, false);
  } else if (version === 10) {
    out.push({ offset: 2, size: 2 });
    sets(dv, 16, out, true);
  } else if (version === 0 && dv.getUint16(2) === 5) sflow(dv, out);
  return out;
}

function sets(dv: DataView, o: number, out: LengthField[], ipfix: boolean): void {
  const end = dv.byteLength;
  while (o + 4 <= end) {
    const id = dv.getUint16(o);
    const len = dv.getUint16(o + 2);
    out.push({ offset: o + 2, size: 2 });
    if (len < 4 || o + len > end) return;
    const setEnd = o + len;
    const template = ipfix ? id === 2 : id === 0;
    const options = ipfix ? id === 3 : id === 1;
    let r = o + 4;
    while ((template || options) && r + 4 <= setEnd) {
      let fields: number;
      if (template || ipfix) {
        out.push({ offset: r + 2, size: 2 });
        fields = dv.getUint16(r + 2);
        if (options) {
          if (r + 6 > setEnd) break;
          out.push({ offset: r + 4, size: 2 });
        }
        r += options ? 6 : 4;
      } else {
        if (r + 6 > setEnd) break;
        out.push({ offset: r + 2, size: 2 }, { offset: r + 4, size: 2 });
        fields = (dv.getUint16(r + 2) + dv.getUint16(r + 4)) / 4;
        r += 6;
      }
      if (fields === 0) break;
      for (let i = 0; i < fields && r + 4 <= setEnd; i++) {
        const type = dv.getUint16(r);
        out.push({ offset: r + 2, size: 2 });
        r += ipfix && type & 0x8000 ? 8 : 4;
      }
    }
    o = setEnd;
  }
}

function sflow(dv: DataView, out: LengthField[]): void {
  const end = dv.byteLength;
  if (end < 28) return;
  const hdr = dv.getUint32(4) === 2 ? 40 : 28;
  if (end < hdr) return;
  out.push({ offset: hdr - 4, size: 4 });
  let o = hdr;
  const samples = dv.getUint32(hdr - 4);
  for (let s = 0; s < samples && o + 8 <= end; s++) {
    const format = dv.getUint32(o) & 0xfff;
    const len = dv.getUint32(o + 4);
    out.push({ offset: o + 4, size: 4 });
    const body = o + 8;
    if (len > end - body) return;
    const countAt =
      format === 1
        ? body + 28
        : format === 3
          ? body + 40
          : format === 2
            ? body + 8
            : format === 4
              ? body + 12
              : -1;
    if (countAt > 0 && countAt + 4 <= body + len) {
      out.push({ offset: countAt, size: 4 });
      let r = countAt + 4;
      const records = dv.getUint32(countAt);
      for (let i = 0; i < records && r + 8 <= body + len; i++) {
        out.push({ offset: r + 4, size: 4 });
        const rf = dv.getUint32(r);
        if (rf === 1 && (format === 1 || format === 3) && r + 24 <= end)
          out.push({ offset: r + 20, size: 4 });
        r += 8 + dv.getUint32(r + 4);
      }
    }
    o = body + len;
  }
}
