import zstd from 'zstd-napi/binding.js';
import { DecodeError } from './byte-io.js';

/**
 * How a block is stored: as encoded, zstd-compressed, or (version 4) split: the block's head
 * zstd-compressed and its tail — a bit-packed payload, which zstd would barely shrink — stored
 * as it is (u32 compressed head length, the zstd frame, the tail).
 */
export const CODEC_NONE = 0;
export const CODEC_ZSTD = 1;
export const CODEC_SPLIT = 2;
export const codecNames = ['none', 'zstd', 'split'] as const;

/** Blocks smaller than this are stored as they are: a zstd frame header would not pay for itself. */
const MIN_COMPRESS = 32;

/**
 * zstd's shortest match for `BlockCompressor` with `longMatches`: at 7 bytes instead of level 3's
 * 5, blocks of narrow values (flags, protocols, delta bytes of sorted indexes and repeat maps)
 * come out as fewer sequences, which decode 1.2–3× faster, and mostly smaller too
 * (docs/store-format.md, "zstd's minimum match"). Any zstd decoder reads them.
 */
export const LONG_MIN_MATCH = 7;

/** Compresses blocks with one reused zstd context and output buffer. */
export class BlockCompressor {
  private readonly cctx = new zstd.CCtx();
  private out = new Uint8Array(0);

  /** `longMatches`: compress with a minimum match of LONG_MIN_MATCH bytes. */
  constructor(
    readonly level = 3,
    readonly longMatches = false,
  ) {
    if (!longMatches || level <= 0) return;
    this.cctx.setParameter(zstd.CParameter.compressionLevel, level);
    this.cctx.setParameter(zstd.CParameter.minMatch, LONG_MIN_MATCH);
  }

  /** Returns the codec and the stored bytes (a view valid until the next call). */
  compress(raw: Uint8Array): { codec: number; stored: Uint8Array } {
    if (raw.length < MIN_COMPRESS || this.level <= 0) return { codec: CODEC_NONE, stored: raw };
    const bound = zstd.compressBound(raw.length);
    if (this.out.length < bound) this.out = new Uint8Array(bound);
    const size = this.longMatches
      ? this.cctx.compress2(this.out, raw)
      : this.cctx.compress(this.out, raw, this.level);
    if (size >= raw.length) return { codec: CODEC_NONE, stored: raw };
    return { codec: CODEC_ZSTD, stored: this.out.subarray(0, size) };
  }

  /**
   * Compresses raw[0..tailAt) and keeps raw[tailAt..] as it is (CODEC_SPLIT), or stores the
   * block as it is when the head does not shrink. The stored bytes are a view valid until the
   * next call.
   */
  compressSplit(raw: Uint8Array, tailAt: number): { codec: number; stored: Uint8Array } {
    if (tailAt < MIN_COMPRESS || this.level <= 0) return { codec: CODEC_NONE, stored: raw };
    const tail = raw.length - tailAt;
    const bound = 4 + zstd.compressBound(tailAt) + tail;
    if (this.out.length < bound) this.out = new Uint8Array(bound);
    const size = this.cctx.compress(this.out.subarray(4), raw.subarray(0, tailAt), this.level);
    if (size + 4 >= tailAt) return { codec: CODEC_NONE, stored: raw };
    new DataView(this.out.buffer, this.out.byteOffset).setUint32(0, size, true);
    this.out.set(raw.subarray(tailAt), 4 + size);
    return { codec: CODEC_SPLIT, stored: this.out.subarray(0, 4 + size + tail) };
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
    if (codec === CODEC_SPLIT) {
      if (stored.length < 4) throw new DecodeError('split block too short');
      const size = stored[0]! | (stored[1]! << 8) | (stored[2]! << 16) | (stored[3]! * 0x1000000);
      const tail = stored.length - 4 - size;
      if (size > stored.length - 4 || tail > raw.length) throw new DecodeError('bad split block');
      this.zstd(raw.subarray(0, raw.length - tail), stored.subarray(4, 4 + size));
      raw.set(stored.subarray(4 + size), raw.length - tail);
      return;
    }
    if (codec !== CODEC_ZSTD) throw new DecodeError(`unknown codec ${codec}`);
    this.zstd(raw, stored);
  }

  private zstd(raw: Uint8Array, stored: Uint8Array): void {
    let size: number;
    try {
      size = this.dctx.decompress(raw, stored);
    } catch (err) {
      throw new DecodeError(`zstd: ${(err as Error).message}`);
    }
    if (size !== raw.length) throw new DecodeError(`zstd gave ${size} bytes, expected ${raw.length}`);
  }
}
