/**
 * A generic estimate of the memory a partial holds, for the memo's bound when the executor gives
 * no better PartialSize: typed array bytes, 2 bytes per string character, 8 per number and a fixed
 * overhead per object, array element and key. Shared buffers are counted once.
 */
export function estimatePartialBytes(partial: unknown): number {
  return measure(partial, new Set(), 0);
}

const OBJECT_BYTES = 48;
const SLOT_BYTES = 8;
const MAX_DEPTH = 64;

function measure(value: unknown, seen: Set<object>, depth: number): number {
  switch (typeof value) {
    case 'string':
      return 16 + 2 * value.length;
    case 'number':
    case 'boolean':
    case 'undefined':
      return SLOT_BYTES;
    case 'bigint':
      return 16;
    case 'object':
      break;
    default:
      return SLOT_BYTES;
  }
  if (value === null) return SLOT_BYTES;
  if (ArrayBuffer.isView(value)) {
    const buffer = value.buffer;
    if (seen.has(buffer)) return OBJECT_BYTES;
    seen.add(buffer);
    return OBJECT_BYTES + buffer.byteLength;
  }
  if (value instanceof ArrayBuffer) {
    if (seen.has(value)) return SLOT_BYTES;
    seen.add(value);
    return OBJECT_BYTES + value.byteLength;
  }
  if (seen.has(value) || depth > MAX_DEPTH) return SLOT_BYTES;
  seen.add(value);
  let bytes = OBJECT_BYTES;
  if (Array.isArray(value)) {
    for (const item of value)
      bytes +=
        SLOT_BYTES +
        (typeof item === 'object' || typeof item === 'string' ? measure(item, seen, depth + 1) : 0);
  } else if (value instanceof Map) {
    for (const [k, v] of value)
      bytes += 2 * SLOT_BYTES + measure(k, seen, depth + 1) + measure(v, seen, depth + 1);
  } else if (value instanceof Set) {
    for (const item of value) bytes += SLOT_BYTES + measure(item, seen, depth + 1);
  } else {
    for (const key in value) {
      bytes +=
        SLOT_BYTES + 16 + 2 * key.length + measure((value as Record<string, unknown>)[key], seen, depth + 1);
    }
  }
  return bytes;
}
