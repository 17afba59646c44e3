import type { DecodeTarget, PacketContext } from './context.js';
import { decodeIpfix } from './netflow/ipfix.js';
import { decodeNetflow5 } from './netflow/v5.js';
import { decodeNetflow9 } from './netflow/v9.js';
import { decodeSflow } from './sflow/sflow.js';

/**
 * Decodes one export datagram of any supported protocol. NetFlow starts with a 16-bit version
 * (5, 9, 10 for IPFIX); sFlow with a 32-bit version 5, whose first 16 bits are therefore zero.
 */
export function decodePacket(buf: Uint8Array, ctx: PacketContext, out: DecodeTarget): number {
  ctx.stats.packets++;
  ctx.stats.bytes += buf.length;
  const st = ctx.exporter.stats;
  st.packets++;
  st.bytes += buf.length;
  st.lastSeen = ctx.receivedAt;
  if (buf.length < 4) {
    ctx.stats.error('truncated', 'shorter than any header');
    st.decodeErrors++;
    return 0;
  }
  const before = ctx.stats.totalErrors();
  const version = (buf[0]! << 8) | buf[1]!;
  let flows = 0;
  switch (version) {
    case 5:
      flows = decodeNetflow5(buf, ctx, out);
      break;
    case 9:
      flows = decodeNetflow9(buf, ctx, out);
      break;
    case 10:
      flows = decodeIpfix(buf, ctx, out);
      break;
    case 0:
      if (((buf[2]! << 8) | buf[3]!) === 5) {
        flows = decodeSflow(buf, ctx, out);
        break;
      }
      ctx.stats.error('bad_version', `version ${version}`);
      break;
    default:
      ctx.stats.error('bad_version', `version ${version}`);
  }
  ctx.stats.flows += flows;
  st.decodeErrors += ctx.stats.totalErrors() - before;
  return flows;
}
