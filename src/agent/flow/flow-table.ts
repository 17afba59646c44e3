import { SLOT_WORDS as TCP_SLOT_WORDS } from '../tcp/state.js';
import type { PacketKey } from './flow-key.js';

/** The lists a used slot is on, each ordered from least to most recently seen. */
export const List = { free: 0, open: 1, closed: 2 } as const;

const NONE = -1;
const MIN_INDEX = 64;
const TCP = 6;

/**
 * Words (32-bit) of a slot's record in `FlowTable.slots`, 384 bytes: first 128 that every packet
 * of the flow touches together, so they come from memory as one adjacent pair of cache lines: the
 * key (words 0-11), the slot's list links (12-15), then FlowState's hot record (16-31, as
 * float64); then the TCP tracker's block of the flow (from SLOT_TCP_WORD, 256 bytes), which a
 * TCP segment reads next: in the same memory page, so finding the flow already paid for the page's
 * address translation (there are no huge pages for V8's array buffers).
 */
export const KEY_WORDS = 32 + TCP_SLOT_WORDS;
/** The first word of the TCP tracker's block in a slot (TcpAnalyzer.adopt). */
export const SLOT_TCP_WORD = 32;
export const K_META = 0;
/** clientPort << 16 | serverPort. */
export const K_PORTS = 1;
/** Client address words 0-3, then server address words 0-3. */
export const K_CLIENT = 2;
export const K_SERVER = 6;
const K_HASH = 10;
/** Bumped each time a slot takes a new flow, so stale references (fragments) can tell. */
export const K_GENERATION = 11;
/** Previous and next slot on the slot's list, and the list. */
const L_PREV = 12;
const L_NEXT = 13;
const L_LIST = 14;
/** FlowState's word of the slot: the flow's decoder index (read with every packet). */
export const SLOT_APP_WORD = 15;
/** The first word of FlowState's hot record in a slot. */
export const SLOT_HOT_WORD = 16;

/**
 * The flow table's keys: `capacity` slots, found through an open-addressing index (linear
 * probing, backward-shift deletion) of twice the capacity whose entries carry the hash, so a probe
 * reads the slot's key record only on a hash match. A slot's key is stored client first, so
 * finding a packet's slot also tells its direction. Each used slot is on one of two lists ordered
 * by last packet (open flows, closed TCP flows), which give the next flow to time out or to evict
 * in O(1).
 */
export class FlowTable {
  readonly capacity: number;
  /** KEY_WORDS per slot: the slot records (FlowState views the same memory for its hot records). */
  readonly slots: ArrayBuffer;
  /** The slot records as words: meta, ports, client and server addresses, hash, generation, links. */
  readonly keys: Uint32Array;
  size = 0;
  /**
   * Pairs (slot + 1, hash); slot + 1 = 0 marks an empty entry. It grows with the flows (kept at
   * most half full), so a small table's lookups stay within a small, cached index.
   */
  private index: Int32Array;
  private mask: number;
  /** The slot records as signed words (the list links). */
  private readonly links: Int32Array;
  private readonly heads = new Int32Array([NONE, NONE, NONE]);
  private readonly tails = new Int32Array([NONE, NONE, NONE]);
  /**
   * Slots from here on were never used (the free list holds the freed ones), so a new table
   * writes nothing into its records and the memory behind them is touched only as flows arrive.
   */
  private fresh = 0;
  /**
   * A probe that reaches a slot reads a word of the slot's second cache line at once (kept here so
   * the read stays): the packet's counters are there, and that line then loads together with the
   * key's instead of after it; for a TCP packet, a word of the TCP block as well.
   */
  touched = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.mask = MIN_INDEX - 1;
    this.index = new Int32Array(MIN_INDEX * 2);
    this.slots = new ArrayBuffer(this.capacity * KEY_WORDS * 4);
    this.keys = new Uint32Array(this.slots);
    this.links = new Int32Array(this.slots);
  }

  meta(s: number): number {
    return this.keys[s * KEY_WORDS + K_META]!;
  }

  ports(s: number): number {
    return this.keys[s * KEY_WORDS + K_PORTS]!;
  }

  generation(s: number): number {
    return this.keys[s * KEY_WORDS + K_GENERATION]!;
  }

  /** The packet's slot times 2, plus 1 when the packet comes from the server; -1 when absent. */
  find(k: PacketKey): number {
    const w = k.words;
    const hash = k.hash | 0;
    const forward = ((k.srcPort << 16) | k.dstPort) >>> 0;
    const reverse = ((k.dstPort << 16) | k.srcPort) >>> 0;
    const index = this.index;
    const a = this.keys;
    const tcp = (k.meta & 0xff) === TCP;
    for (let i = k.hash & this.mask; ; i = (i + 1) & this.mask) {
      const e = index[i * 2]!;
      if (e === 0) return -1;
      if (index[i * 2 + 1] !== hash) continue;
      const s = e - 1;
      const o = s * KEY_WORDS;
      this.touched = this.links[o + SLOT_HOT_WORD]! ^ (tcp ? this.links[o + SLOT_TCP_WORD]! : 0);
      if (a[o + K_META] !== k.meta) continue;
      const ports = a[o + K_PORTS];
      if (
        ports === forward &&
        a[o + 2] === w[0] &&
        a[o + 6] === w[4] &&
        a[o + 3] === w[1] &&
        a[o + 4] === w[2] &&
        a[o + 5] === w[3] &&
        a[o + 7] === w[5] &&
        a[o + 8] === w[6] &&
        a[o + 9] === w[7]
      )
        return s * 2;
      if (
        ports === reverse &&
        a[o + 2] === w[4] &&
        a[o + 6] === w[0] &&
        a[o + 3] === w[5] &&
        a[o + 4] === w[6] &&
        a[o + 5] === w[7] &&
        a[o + 7] === w[1] &&
        a[o + 8] === w[2] &&
        a[o + 9] === w[3]
      )
        return s * 2 + 1;
    }
  }

  /** Adds the packet's flow (not present); the table must not be full. Returns its slot. */
  insert(k: PacketKey, senderIsClient: boolean): number {
    let s = this.heads[List.free]!;
    if (s !== NONE) this.unlink(s);
    else if (this.fresh < this.capacity) s = this.fresh++;
    else throw new Error('flow table full');
    this.append(List.open, s);
    const w = k.words;
    const a = this.keys;
    const o = s * KEY_WORDS;
    const c = senderIsClient ? 0 : 4;
    for (let i = 0; i < 4; i++) {
      a[o + K_CLIENT + i] = w[c + i]!;
      a[o + K_SERVER + i] = w[4 - c + i]!;
    }
    a[o + K_PORTS] = senderIsClient ? (k.srcPort << 16) | k.dstPort : (k.dstPort << 16) | k.srcPort;
    a[o + K_META] = k.meta;
    a[o + K_HASH] = k.hash;
    a[o + K_GENERATION] = a[o + K_GENERATION]! + 1;
    this.size++;
    if (this.size * 2 > this.mask + 1) this.grow();
    else this.place(s, k.hash);
    return s;
  }

  private place(s: number, hash: number): void {
    let i = hash & this.mask;
    while (this.index[i * 2] !== 0) i = (i + 1) & this.mask;
    this.index[i * 2] = s + 1;
    this.index[i * 2 + 1] = hash | 0;
  }

  /** Doubles the index and places every flow again (the slots, on their lists, stay). */
  private grow(): void {
    const entries = (this.mask + 1) * 2;
    this.mask = entries - 1;
    this.index = new Int32Array(entries * 2);
    for (const list of [List.open, List.closed]) {
      for (let s = this.heads[list]!; s !== NONE; s = this.links[s * KEY_WORDS + L_NEXT]!)
        this.place(s, this.keys[s * KEY_WORDS + K_HASH]!);
    }
  }

  remove(s: number): void {
    const mask = this.mask;
    const index = this.index;
    let i = this.keys[s * KEY_WORDS + K_HASH]! & mask;
    while (index[i * 2] !== s + 1) i = (i + 1) & mask;
    // Backward-shift deletion: move later entries of the probe run into the hole.
    for (let j = (i + 1) & mask; index[j * 2] !== 0; j = (j + 1) & mask) {
      const home = index[j * 2 + 1]! & mask;
      const stays = i <= j ? i < home && home <= j : i < home || home <= j;
      if (stays) continue;
      index[i * 2] = index[j * 2]!;
      index[i * 2 + 1] = index[j * 2 + 1]!;
      i = j;
    }
    index[i * 2] = 0;
    this.unlink(s);
    // Reused first: the most recently freed slot's arrays are the likeliest to be in cache.
    this.prepend(List.free, s);
    this.size--;
  }

  /** Marks a slot as just seen: the tail of `list` (open or closed). */
  touch(s: number, list: number): void {
    if (this.tails[list] === s) return;
    this.unlink(s);
    this.append(list, s);
  }

  /** The least recently seen slot of a list, or -1. */
  oldest(list: number): number {
    return this.heads[list]!;
  }

  /** The slot after `s` on its list, or -1. */
  after(s: number): number {
    return this.links[s * KEY_WORDS + L_NEXT]!;
  }

  /** The list a slot is on (List.free when it holds no flow). */
  listOf(s: number): number {
    return this.links[s * KEY_WORDS + L_LIST]!; // 0, List.free, in a never used slot
  }

  private append(list: number, s: number): void {
    const tail = this.tails[list]!;
    const l = this.links;
    const o = s * KEY_WORDS;
    l[o + L_PREV] = tail;
    l[o + L_NEXT] = NONE;
    l[o + L_LIST] = list;
    if (tail === NONE) this.heads[list] = s;
    else l[tail * KEY_WORDS + L_NEXT] = s;
    this.tails[list] = s;
  }

  private prepend(list: number, s: number): void {
    const head = this.heads[list]!;
    const l = this.links;
    const o = s * KEY_WORDS;
    l[o + L_PREV] = NONE;
    l[o + L_NEXT] = head;
    l[o + L_LIST] = list;
    if (head === NONE) this.tails[list] = s;
    else l[head * KEY_WORDS + L_PREV] = s;
    this.heads[list] = s;
  }

  private unlink(s: number): void {
    const l = this.links;
    const o = s * KEY_WORDS;
    const list = l[o + L_LIST]!;
    const p = l[o + L_PREV]!;
    const n = l[o + L_NEXT]!;
    if (p === NONE) this.heads[list] = n;
    else l[p * KEY_WORDS + L_NEXT] = n;
    if (n === NONE) this.tails[list] = p;
    else l[n * KEY_WORDS + L_PREV] = p;
  }
}
