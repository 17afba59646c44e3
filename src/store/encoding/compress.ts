import zstd from 'zstd-napi/binding.js';
import { DecodeError } from './byte-io.js';

/** How a block is stored: as encoded, or zstd-compressed. */
export const CODEC_NONE = 0;
export const CODEC_ZSTD = 1;
export const codecNames = ['none', 'zstd'] as const;

/** Blocks smaller than this are stored as they are: a zstd frame header would not pay for itself. */
const MIN_COMPRESS = 32;

/** Compresses blocks with one reused zstd context and output buffer. */
export class BlockCompressor {
  private readonly cctx = new zstd.CCtx();
  private out = new Uint8Array(0);

  constructor(readonly level = 3) {}

  /** Returns the codec and the stored bytes (a view valid until the next call). */
  compress(raw: Uint8Array): { codec: number; stored: Uint8Array } {
    if (raw.length < MIN_COMPRESS || this.level <= 0) return { codec: CODEC_NONE, stored: raw };
    const bound = zstd.compressBound(raw.length);
    if (this.out.length < bound) this.out = new Uint8Array(bound);
    const size = this.cctx.compress(this.out, raw, this.level);
    if (size >= raw.length) return { codec: CODEC_NONE, stored: raw };
    return { codec: CODEC_ZSTD, stored: this.out.subarray(0, size) };
  }
}

/** Decompresses blocks into a caller-provided buffer of exactly the raw size. */
export class BlockDecompressor {
  private readonly dctx = new zstd.DCtx();

  decompress(codec: number, stored: Uint8Array, raw: Uint8Array): void {
    if (codec === CODEC_NONE) {
      if (stored.length !== raw.length) throw new DecodeError('stored size differs from raw size');
      raw.set(stored);
      return;
    }
    if (codec !== CODEC_ZSTD) throw new DecodeError(`unknown codec ${codec}`);
    let size: number;
    try {
      size = this.dctx.decompress(raw, stored);
    } catch (err) {
      throw new DecodeError(`zstd: ${(err as Error).message}`);
    }
    if (size !== raw.length) throw new DecodeError(`zstd gave ${size} bytes, expected ${raw.length}`);
  }
}
