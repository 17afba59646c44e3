import { formatAddr } from '../../flow/addr.js';
import type { DomainState, ExporterState } from '../exporter.js';

/** Keeps sFlow domains apart from NetFlow's numeric domain keys in ExporterState.domains. */
const SFLOW_DOMAIN_VERSION = 5;

// The last domain looked up: an exporter normally sends every datagram from the same agent, so
// the common case costs a few compares instead of formatting the agent address.
let lastExporter: ExporterState | undefined;
let lastDomain: DomainState | undefined;
/** Agent address length, its four 32-bit words (zero-padded), and the sub-agent id. */
const lastKey = new Float64Array(6).fill(-1);
const key = new Float64Array(6);
const text = new Uint8Array(16);

/**
 * The domain of an sFlow agent: (agent address, sub-agent id). Its `sequence` tracks datagram
 * sequence numbers, its `sampleSequences` the per data source flow sample sequence numbers.
 * `agentLength` is 4 (IPv4), 16 (IPv6) or 0 (address type "unknown").
 */
export function sflowDomain(
  exporter: ExporterState,
  dv: DataView,
  agentOff: number,
  agentLength: number,
  subAgent: number,
): DomainState {
  key[0] = agentLength;
  for (let i = 0; i < 4; i++) key[i + 1] = i * 4 < agentLength ? dv.getUint32(agentOff + i * 4) : 0;
  key[5] = subAgent;
  if (lastDomain !== undefined && exporter === lastExporter && sameKey()) return lastDomain;
  const domain = exporter.domain(
    SFLOW_DOMAIN_VERSION,
    `sflow ${agentText(dv, agentOff, agentLength)}#${subAgent}`,
  );
  lastExporter = exporter;
  lastDomain = domain;
  lastKey.set(key);
  return domain;
}

function sameKey(): boolean {
  for (let i = 0; i < 6; i++) if (key[i] !== lastKey[i]) return false;
  return true;
}

function agentText(dv: DataView, off: number, length: number): string {
  if (length === 0) return 'unknown';
  text.fill(0);
  if (length === 4) {
    text[10] = 0xff;
    text[11] = 0xff;
  }
  for (let i = 0; i < length; i++) text[16 - length + i] = dv.getUint8(off + i);
  return formatAddr(text, 0);
}
