/**
 * Finds a byte in `buf[o..end)` four bytes at a time: a 32-bit word read through a DataView and
 * tested for the byte with the "has a zero byte" bit trick, then a byte loop inside the word that
 * has it (or the last three bytes). About three times as fast as a byte loop on HTTP header lines
 * here (~0.7 against ~2 ns a byte), and bounded by `end`, unlike Buffer's indexOf. Keeps the view
 * of the last buffer searched: the capture reader's buffer is the same from packet to packet.
 */
export class ByteFinder {
  private buf: Uint8Array | undefined = undefined;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

  /** The index of the first `byte` in `buf[o..end)`, or `end` when there is none. */
  find(buf: Uint8Array, o: number, end: number, byte: number): number {
    if (buf !== this.buf) {
      this.buf = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const view = this.view;
    const pattern = byte * 0x01010101;
    while (o + 4 <= end) {
      const x = view.getInt32(o, true) ^ pattern;
      if (((x - 0x01010101) & ~x & 0x80808080) !== 0) break; // a zero byte: `byte` is in this word
      o += 4;
    }
    while (o < end && buf[o] !== byte) o++;
    return o;
  }
}
