import { fmix } from './flow-key.js';
import { type FlowTable, K_CLIENT, K_SERVER, KEY_WORDS } from './flow-table.js';

/** How long a first fragment waits for the rest (Linux's ipfrag_time). */
export const FRAGMENT_TIMEOUT_MS = 30_000;

/**
 * Remembers, for a bounded number of fragmented datagrams, which flow their first fragment went
 * to, so that later fragments (no transport header) are counted in the same flow. Keyed by
 * (source, destination, IP identification, protocol) as reassembly is; direct-mapped, so a new
 * datagram may push out an older one whose later fragments then go unmatched (counted).
 */
export class FragmentTable {
  private readonly mask: number;
  private readonly hashes: Uint32Array;
  private readonly ids: Uint32Array;
  private readonly protocols: Uint16Array;
  /** Flow slot * 2 + direction, plus 1 (0: empty). */
  private readonly flows: Int32Array;
  private readonly generations: Uint32Array;
  private readonly times: Float64Array;

  constructor(
    entries: number,
    private readonly table: FlowTable,
  ) {
    let size = 16;
    while (size < entries) size *= 2;
    this.mask = size - 1;
    this.hashes = new Uint32Array(size);
    this.ids = new Uint32Array(size);
    this.protocols = new Uint16Array(size);
    this.flows = new Int32Array(size);
    this.generations = new Uint32Array(size);
    this.times = new Float64Array(size);
  }

  /** Notes a first fragment of the flow `slotDir` (slot * 2 + direction). */
  remember(words: Uint32Array, id: number, protocol: number, slotDir: number, nowMs: number): void {
    const h = fragmentHash(words, id, protocol);
    const i = h & this.mask;
    this.hashes[i] = h;
    this.ids[i] = id;
    this.protocols[i] = protocol;
    this.flows[i] = slotDir + 1;
    this.generations[i] = this.table.generation(slotDir >> 1);
    this.times[i] = nowMs;
  }

  /** The flow (slot * 2 + direction) of a later fragment, or -1. */
  find(words: Uint32Array, id: number, protocol: number, nowMs: number): number {
    const h = fragmentHash(words, id, protocol);
    const i = h & this.mask;
    const f = this.flows[i]! - 1;
    if (f < 0 || this.hashes[i] !== h || this.ids[i] !== id || this.protocols[i] !== protocol) return -1;
    const slot = f >> 1;
    if (this.generations[i] !== this.table.generation(slot) || this.table.listOf(slot) === 0) return -1;
    if (nowMs - this.times[i]! > FRAGMENT_TIMEOUT_MS) return -1;
    // The flow's addresses, in the remembered direction, must be the fragment's.
    const a = this.table.keys;
    const src = slot * KEY_WORDS + (f & 1 ? K_SERVER : K_CLIENT);
    const dst = slot * KEY_WORDS + (f & 1 ? K_CLIENT : K_SERVER);
    for (let k = 0; k < 4; k++) if (a[src + k] !== words[k] || a[dst + k] !== words[4 + k]) return -1;
    return f;
  }
}

function fragmentHash(w: Uint32Array, id: number, protocol: number): number {
  let h = fmix(id ^ Math.imul(protocol + 1, 0x9e3779b1));
  for (let k = 0; k < 8; k++) h = fmix(h ^ w[k]!);
  return h >>> 0;
}
