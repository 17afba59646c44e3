import type { HyperLogLog } from '../hll/index.js';
import type { CidrValue } from '../plan/plan.js';
import { GroupTable } from './group-table.js';
import type { PairSet } from './pair-set.js';
import { SpillBuffer } from './spill-buffer.js';
import { isCarryArray, KEY_HASHES } from './spillable.js';

/** A group-indexed typed array of a kernel's state: its name in the generated code and initial value. */
export interface StateArraySpec {
  readonly name: string;
  readonly type: 'f64' | 'i32';
  readonly fill: number;
}

/**
 * The state of one aggregate kernel run over one job: the group table and every aggregate's
 * group-indexed arrays, grown together. The generated code keeps the arrays in locals and reloads
 * them after an insert (the only point where they can be replaced).
 */
export class KernelState {
  readonly table: GroupTable;
  readonly arr: Record<string, Float64Array | Int32Array> = {};
  /** Per aggregate (by index): pair sets for count(DISTINCT)/percentile_cont. */
  readonly pairs: (PairSet | undefined)[] = [];
  /** Per aggregate: one HyperLogLog per group for approx_count_distinct. */
  readonly hll: HyperLogLog[][] = [];
  /** Per aggregate: min/max of inet values, one per group. */
  readonly objs: (CidrValue | undefined)[][] = [];
  /** Per text group key: the string table its codes index in this job. */
  readonly keyTables: (readonly string[] | null)[] = [];
  /** Per aggregate over text: the string table of its value codes in this job. */
  readonly aggTables: (readonly string[] | null)[] = [];
  /** The group-indexed arrays, and their names, in spec order. */
  readonly arraySpecs: readonly StateArraySpec[];
  readonly arrayNames: readonly string[];
  /** Groups moved out of the table while it was full (`maxGroups`), until the state is emitted. */
  spill: SpillBuffer | undefined;
  /** Set once an exact sum passed 2^52 (its high word is no longer zero everywhere). */
  carried = false;
  private readonly specs: readonly StateArraySpec[];

  /**
   * `groups`: the expected group count (the table starts that large and need not grow to it).
   * With `maxGroups` (spillable states only: spillable.ts), the table stops growing there and
   * spills its groups whenever it is full.
   */
  constructor(
    width: number,
    specs: readonly StateArraySpec[],
    aggregates: number,
    groups = 1024,
    maxGroups?: number,
  ) {
    this.table = new GroupTable(width, width === 0 ? 1 : groups);
    this.specs = specs;
    this.arraySpecs = specs;
    this.arrayNames = specs.map((s) => s.name);
    if (maxGroups !== undefined && width > 0) {
      this.table.maxGroups = maxGroups;
      this.table.onFull = () => this.spillTable();
    }
    for (const s of specs) this.arr[s.name] = allocate(s, this.table.capacity);
    for (let j = 0; j < aggregates; j++) {
      this.hll.push([]);
      this.objs.push([]);
      this.pairs.push(undefined);
      this.aggTables.push(null);
    }
    this.table.onGrow = (capacity) => {
      for (const s of this.specs) {
        const next = allocate(s, capacity);
        next.set(this.arr[s.name]! as never);
        this.arr[s.name] = next;
      }
    };
  }

  /** Moves every group of the table to the spill buffer (one run) and empties the table. */
  spillTable(): void {
    const n = this.table.size;
    this.spill ??= new SpillBuffer(this.table.width, this.specs);
    this.spill.append(
      this.table.keys,
      this.arr[KEY_HASHES.name]! as Int32Array,
      this.specs.map((s) => (!this.carried && isCarryArray(s.name) ? null : this.arr[s.name]!)),
      n,
    );
    for (const s of this.specs) this.arr[s.name]!.fill(s.fill, 0, n);
    this.table.clear();
  }
}

function allocate(spec: StateArraySpec, capacity: number): Float64Array | Int32Array {
  const a = spec.type === 'f64' ? new Float64Array(capacity) : new Int32Array(capacity);
  if (spec.fill !== 0) a.fill(spec.fill);
  return a;
}
