import { DecodeError } from '../encoding/byte-io.js';
import type { BlockDecoder } from './block-decode.js';
import { kindCodes } from './block-encode.js';
import type { TableChunk, TableColumn } from './schema.js';

/** Rows kept by a scan: string column `column` holds one of `values`. */
export interface StringMatch {
  readonly column: string;
  readonly values: readonly string[];
}

interface StringOut {
  codes: Uint32Array;
  readonly dict: string[];
  readonly index: Map<string, number>;
}

/**
 * Gathers the selected rows of decoded blocks into one chunk: numbers into Float64Arrays, text
 * re-coded into one dictionary per column (code 0 = ''). Arrays grow geometrically; a block's
 * codes are translated through a table built once per block, so nothing is allocated per row.
 */
export class ChunkBuilder {
  rows = 0;
  private capacity = 0;
  private numbers = new Map<string, Float64Array>();
  private strings = new Map<string, StringOut>();

  constructor(private readonly columns: readonly TableColumn[]) {
    this.reset();
  }

  /** Appends rows `select[0..count)` of the loaded block. */
  add(block: BlockDecoder, select: Uint32Array, count: number): void {
    this.grow(this.rows + count);
    const base = this.rows;
    for (const c of this.columns) {
      if (c.kind === 'string') {
        const out = this.strings.get(c.name)!;
        if (!block.has(c.name, kindCodes.string)) {
          out.codes.fill(0, base, base + count);
          continue;
        }
        const { dict, codes } = block.strings(c.name);
        const map = new Uint32Array(dict.length);
        for (let d = 0; d < dict.length; d++) {
          const s = dict[d]!;
          let code = out.index.get(s);
          if (code === undefined) {
            code = out.dict.length;
            out.dict.push(s);
            out.index.set(s, code);
          }
          map[d] = code;
        }
        const target = out.codes;
        const n = dict.length;
        for (let k = 0; k < count; k++) {
          const code = codes[select[k]!]!;
          if (code >= n) throw new DecodeError(`code ${code} past the dictionary of ${c.name}`);
          target[base + k] = map[code]!;
        }
      } else {
        const target = this.numbers.get(c.name)!;
        if (!block.has(c.name, kindCodes[c.kind])) {
          target.fill(Number.NaN, base, base + count);
          continue;
        }
        const values = c.kind === 'time' ? block.time(c.name) : block.f64(c.name);
        for (let k = 0; k < count; k++) target[base + k] = values[select[k]!]!;
      }
    }
    this.rows += count;
  }

  /** The rows gathered so far; the builder starts empty again. */
  take(): TableChunk {
    const columns: Record<string, Float64Array | Uint32Array> = {};
    const dicts: Record<string, string[]> = {};
    for (const [name, values] of this.numbers) columns[name] = values.subarray(0, this.rows);
    for (const [name, s] of this.strings) {
      columns[name] = s.codes.subarray(0, this.rows);
      dicts[name] = s.dict;
    }
    const chunk = { rows: this.rows, columns, dicts };
    this.reset();
    return chunk;
  }

  private reset(): void {
    this.rows = 0;
    this.capacity = 0;
    this.numbers = new Map();
    this.strings = new Map();
    for (const c of this.columns) {
      if (c.kind === 'string')
        this.strings.set(c.name, { codes: new Uint32Array(0), dict: [''], index: new Map([['', 0]]) });
      else this.numbers.set(c.name, new Float64Array(0));
    }
  }

  private grow(need: number): void {
    if (need <= this.capacity) return;
    const capacity = Math.max(need, this.capacity * 2, 1024);
    for (const [name, values] of this.numbers) {
      const grown = new Float64Array(capacity);
      grown.set(values.subarray(0, this.rows));
      this.numbers.set(name, grown);
    }
    for (const s of this.strings.values()) {
      const grown = new Uint32Array(capacity);
      grown.set(s.codes.subarray(0, this.rows));
      s.codes = grown;
    }
    this.capacity = capacity;
  }
}

/**
 * Writes into `out` the rows of the loaded block whose time is in [from, to) and whose string
 * columns hold one of the wanted values; returns how many. `out` must hold `block.rows` entries.
 */
export function selectRows(
  block: BlockDecoder,
  timeColumn: string,
  from: number,
  to: number,
  matches: readonly StringMatch[],
  out: Uint32Array,
): number {
  const times = block.time(timeColumn);
  const tests: { codes: Uint32Array; allowed: Uint8Array }[] = [];
  for (const m of matches) {
    if (!block.has(m.column, kindCodes.string)) {
      if (!m.values.includes('')) return 0;
      continue;
    }
    const { dict, codes } = block.strings(m.column);
    const wanted = new Set(m.values);
    const allowed = new Uint8Array(dict.length);
    let any = false;
    for (let d = 0; d < dict.length; d++)
      if (wanted.has(dict[d]!)) {
        allowed[d] = 1;
        any = true;
      }
    if (!any) return 0;
    tests.push({ codes, allowed });
  }
  let n = 0;
  const rows = block.rows;
  row: for (let i = 0; i < rows; i++) {
    const t = times[i]!;
    if (!(t >= from && t < to)) continue;
    for (let m = 0; m < tests.length; m++) {
      const test = tests[m]!;
      if (test.allowed[test.codes[i]!] !== 1) continue row;
    }
    out[n++] = i;
  }
  return n;
}
