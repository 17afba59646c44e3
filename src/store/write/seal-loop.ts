import type { SealMetrics } from '../store-metrics.js';
import type { StoreError } from './errors.js';
import type { OpenBuffer } from './open-buffer.js';
import { type SealContext, type SealedSegment, sealBuffer } from './sealer.js';
import type { WriteStats } from './stats.js';
import type { TenantState } from './tenant-state.js';

export interface SealReport {
  readonly segments: SealedSegment[];
  readonly errors: StoreError[];
}

export interface SealLoopContext {
  readonly seal: SealContext;
  readonly graceMs: number;
  readonly lateDelayMs: number;
  readonly counters: WriteStats;
  readonly metrics: SealMetrics;
  /** The catalog learns of the segment here, in the same tick the rows leave memory. */
  readonly onSegment: (segment: SealedSegment) => void;
  /** Counts and logs a failure; returns it as a StoreError. */
  readonly fail: (err: unknown) => StoreError;
}

/** A main buffer is due once its minute's grace period is over; a late one lateDelayMs after its first row. */
function isDue(
  ctx: Pick<SealLoopContext, 'graceMs' | 'lateDelayMs'>,
  buffer: OpenBuffer,
  now: number,
): boolean {
  if (buffer.frozen) return true;
  if (now < buffer.minute + 60_000 + ctx.graceMs) return false;
  return !buffer.late || now >= buffer.createdAt + ctx.lateDelayMs;
}

/** Rows in buffers that are due for sealing: the backlog the sealer has not caught up with. */
export function sealBacklog(
  ctx: Pick<SealLoopContext, 'graceMs' | 'lateDelayMs'>,
  states: Iterable<TenantState>,
  now: number,
): number {
  let rows = 0;
  for (const state of states)
    for (const list of state.minutes.values())
      for (const b of list) if (isDue(ctx, b, now)) rows += b.columns.length;
  return rows;
}

/**
 * A round takes no more buffers than this, then ends (the next append or timer tick starts the
 * next one), so what a round keeps (its report, the buffers it took) stays bounded under
 * sustained ingest.
 */
const MAX_ROUND_BUFFERS = 64;

/** Lets the write path wake a running round: minutes that became due join it (see sealDue). */
export interface SealRoundControl {
  poke?: () => void;
}

/**
 * Seals the buffers that are due (or all, with `all`). Each minute is a lane: its buffers become
 * segments in order — each one's rename waits for the previous one's (`sealBuffer`'s `turn`) —
 * so a late segment never overtakes its minute's main segment (WAL replay relies on a minute's
 * segments covering its LSNs in order), while their encoding may run in parallel (a minute of
 * live traffic above `maxOpenRows` is several buffers). A failure stops the rest of the lane until
 * the next round. Up to `concurrency` buffers are sealed at once (one per seal worker thread).
 * The round is work-conserving: whenever a buffer is done, or `control.poke` is called (the write
 * path does on each append while a chunk's worth of rows is due), buffers that became due
 * meanwhile join the round, so a worker never idles while another seals the round's last buffer. A buffer is taken
 * at most once per round; after a failure the rest of its minute waits for the next round. The
 * report lists segments by tenant, minute and sealing order.
 */
export function sealDue(
  ctx: SealLoopContext,
  states: Iterable<TenantState>,
  all: boolean,
  concurrency = 1,
  control: SealRoundControl = {},
): Promise<SealReport> {
  const segments: SealedSegment[] = [];
  const errors: StoreError[] = [];
  const lanes = new Map<string, Lane>();
  const items: Item[] = [];
  const queued = new Set<OpenBuffer>();
  const refill = () => {
    if (items.length >= MAX_ROUND_BUFFERS) return;
    const now = ctx.seal.now();
    for (const state of states)
      for (const minute of [...state.minutes.keys()].sort((a, b) => a - b)) {
        const key = `${state.tenant}\u0000${minute}`;
        let lane = lanes.get(key);
        for (const buffer of state.minutes.get(minute) ?? []) {
          if (!all && !isDue(ctx, buffer, now)) break;
          if (queued.has(buffer)) continue;
          if (lane === undefined) {
            lane = { previous: Promise.resolve(true), failed: false };
            lanes.set(key, lane);
          }
          if (items.length >= MAX_ROUND_BUFFERS) return;
          queued.add(buffer);
          items.push({ state, buffer, lane });
        }
      }
  };
  const slots = Math.max(1, concurrency);
  const free = Array.from({ length: slots }, (_, i) => i).reverse();
  let next = 0;
  let failure: { err: unknown } | undefined;
  return new Promise<SealReport>((resolve, reject) => {
    const pump = () => {
      if (failure === undefined) refill();
      while (failure === undefined && free.length > 0 && next < items.length) {
        const slot = free.pop()!;
        sealItem(ctx, items[next++]!, slot, segments, errors).then(
          () => finish(slot),
          (err: unknown) => {
            failure ??= { err };
            finish(slot);
          },
        );
      }
      if (free.length < slots) return;
      control.poke = undefined;
      if (failure !== undefined) reject(failure.err);
      else resolve({ segments: ordered(), errors });
    };
    const finish = (slot: number) => {
      free.push(slot);
      pump();
    };
    const ordered = () => {
      const rank = new Map([...lanes.keys()].map((key, i) => [key, i]));
      const laneOf = (s: SealedSegment) => rank.get(`${s.tenant}\u0000${s.minute}`) ?? 0;
      return segments.sort((a, b) => laneOf(a) - laneOf(b));
    };
    control.poke = pump;
    pump();
  });
}

/** A minute's buffers in a round: `previous` settles once the buffer before is done (true: sealed). */
interface Lane {
  previous: Promise<boolean>;
  failed: boolean;
}

interface Item {
  readonly state: TenantState;
  readonly buffer: OpenBuffer;
  readonly lane: Lane;
}

async function sealItem(
  ctx: SealLoopContext,
  { state, buffer, lane }: Item,
  slot: number,
  segments: SealedSegment[],
  errors: StoreError[],
): Promise<void> {
  const turn = lane.previous;
  let done!: (sealed: boolean) => void;
  lane.previous = new Promise<boolean>((resolve) => {
    done = resolve;
  });
  let sealed = false;
  try {
    if (lane.failed) return;
    // Rows staged before the freeze must be durable (or rejected and dropped) first.
    buffer.frozen = true;
    await state.wal?.settled(buffer.maxLsn);
    if (buffer.rows === 0) {
      if (!(await turn)) return;
      state.remove(buffer);
      buffer.columns.release();
      sealed = true;
      return;
    }
    const t0 = performance.now();
    let segment: SealedSegment | undefined;
    try {
      segment = await sealBuffer(ctx.seal, state.tenant, buffer, slot, () => turn);
    } catch (err) {
      lane.failed = true;
      ctx.counters.sealErrors++;
      ctx.metrics.error('seal', err);
      errors.push(ctx.fail(err));
      return;
    }
    // undefined: the buffer before failed; this one waits in memory for the next round.
    if (segment === undefined) return;
    ctx.onSegment(segment);
    state.dropSealed(buffer);
    buffer.columns.release();
    const ms = performance.now() - t0;
    ctx.counters.sealMs += ms;
    ctx.counters.sealedRows += segment.rows;
    ctx.counters.sealedBytes += segment.bytes;
    if (segment.late) ctx.counters.lateSegments++;
    else ctx.counters.segments++;
    (segment.late ? ctx.metrics.late : ctx.metrics.minute).update(ms / 1000);
    segments.push(segment);
    sealed = true;
    for (const file of buffer.walFiles) await state.wal?.release(file, buffer.id);
  } finally {
    if (!sealed) lane.failed = true;
    done(sealed);
  }
}
