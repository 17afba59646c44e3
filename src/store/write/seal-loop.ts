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
 * Seals the buffers that are due (or all, with `all`). Each minute is a lane: its buffers are
 * sealed one after the other, in order, so a late segment never overtakes its minute's main
 * segment (WAL replay relies on a minute's segments covering its LSNs in order), and a failure
 * stops the lane until the next round. Up to `concurrency` lanes run at once (one per seal
 * worker thread). The report lists segments by tenant, minute and sealing order.
 */
export async function sealDue(
  ctx: SealLoopContext,
  states: Iterable<TenantState>,
  all: boolean,
  concurrency = 1,
): Promise<SealReport> {
  const segments: SealedSegment[] = [];
  const errors: StoreError[] = [];
  const now = ctx.seal.now();
  const lanes: { state: TenantState; minute: number }[] = [];
  for (const state of states)
    for (const minute of [...state.minutes.keys()].sort((a, b) => a - b)) {
      const first = state.minutes.get(minute)?.[0];
      if (first !== undefined && (all || isDue(ctx, first, now))) lanes.push({ state, minute });
    }
  let next = 0;
  const runner = async (slot: number) => {
    while (next < lanes.length) {
      const { state, minute } = lanes[next++]!;
      await sealLane(ctx, state, minute, all, now, slot, segments, errors);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(concurrency, lanes.length)) }, (_, i) => runner(i)),
  );
  const rank = new Map(lanes.map((lane, i) => [`${lane.state.tenant}\u0000${lane.minute}`, i]));
  const laneOf = (s: SealedSegment) => rank.get(`${s.tenant}\u0000${s.minute}`) ?? 0;
  segments.sort((a, b) => laneOf(a) - laneOf(b));
  return { segments, errors };
}

async function sealLane(
  ctx: SealLoopContext,
  state: TenantState,
  minute: number,
  all: boolean,
  now: number,
  slot: number,
  segments: SealedSegment[],
  errors: StoreError[],
): Promise<void> {
  for (const buffer of [...(state.minutes.get(minute) ?? [])]) {
    if (!all && !isDue(ctx, buffer, now)) return;
    // Rows staged before the freeze must be durable (or rejected and dropped) first.
    buffer.frozen = true;
    await state.wal?.settled(buffer.maxLsn);
    if (buffer.rows === 0) {
      state.remove(buffer);
      buffer.columns.release();
      continue;
    }
    const t0 = performance.now();
    let segment: SealedSegment;
    try {
      segment = await sealBuffer(ctx.seal, state.tenant, buffer, slot);
    } catch (err) {
      ctx.counters.sealErrors++;
      ctx.metrics.error('seal', err);
      errors.push(ctx.fail(err));
      return;
    }
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
    for (const file of buffer.walFiles) await state.wal?.release(file, buffer.id);
  }
}
