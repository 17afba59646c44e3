import type { NumberArray } from '../../flow/batch.js';
import { BatchPartition } from './partition.js';

const partition = new BatchPartition();

/**
 * Each device's row indexes among the first `n` rows of a minute held in arrival order (the
 * devices interleaved), by device id: the parts of the minute's segment. One counting sort over
 * the device column; the row lists are views of one array.
 */
export function devicePartRows(
  device: NumberArray | undefined,
  n: number,
): { deviceId: number; rows: Uint32Array }[] {
  const count = partition.partition(undefined, device, n);
  const order = partition.order.slice(0, n);
  const parts: { deviceId: number; rows: Uint32Array }[] = [];
  for (let g = 0; g < count; g++) {
    const group = partition.groups[g]!;
    parts.push({ deviceId: group.deviceId, rows: order.subarray(group.start, group.end) });
  }
  return parts.sort((a, b) => a.deviceId - b.deviceId);
}
