import { ColumnBatch, createFlowBatch, type FlowBatch } from '../src/flow/batch.js';
import { flowColumns } from '../src/flow/schema.js';
import type { SegmentPartInput } from '../src/store/segment/types.js';
import { zeroColumn } from '../src/store/write/open-columns.js';
import { devicePartRows } from '../src/store/write/part-rows.js';
import { DataSet } from './store-data.js';

/**
 * The benchmark data set's minutes as a seal worker gets them: one batch per minute in arrival
 * order (columns no row wrote are shared zero arrays), split into one part per device.
 */
export function minuteParts(flows: number, rate: number): { batch: FlowBatch; parts: SegmentPartInput[] }[] {
  const device = flowColumns.findIndex((c) => c.name === 'i_device_id');
  return minuteBatches(flows, rate).map((batch, m) => ({
    batch,
    parts: devicePartRows(batch.arrays[device], batch.length).map(({ deviceId, rows }) => ({
      bucket: m * 60_000,
      deviceId,
      batch,
      rows,
    })),
  }));
}

function minuteBatches(flows: number, rate: number): FlowBatch[] {
  const data = new DataSet({ flows, flowsPerSec: rate });
  const perMinute = rate * 60;
  const out: FlowBatch[] = [];
  while (!data.done) {
    const full = createFlowBatch(perMinute);
    const n = data.fill(full, perMinute);
    const touched = (full as unknown as { touched: Uint8Array }).touched;
    const batch = new ColumnBatch(flowColumns, 16) as FlowBatch;
    for (let i = 0; i < flowColumns.length; i++) {
      const type = flowColumns[i]!.type;
      const width = type === 'addr' ? 16 : 1;
      batch.arrays[i] = touched[i] === 1 ? full.arrays[i]!.slice(0, n * width) : zeroColumn(type, n);
      batch.dicts[i] = full.dicts[i];
    }
    batch.length = n;
    batch.capacity = n;
    out.push(batch);
  }
  return out;
}
