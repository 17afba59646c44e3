import type { DecodeTarget, PacketContext } from '../context.js';

// Placeholder until the decoder lands (same session).
export function decodeNetflow9(_buf: Uint8Array, ctx: PacketContext, _out: DecodeTarget): number {
  ctx.stats.error('bad_version', 'not implemented yet');
  return 0;
}
