/**
 * The ArrayBuffers under the typed arrays of a plain value (objects, arrays, Maps, Sets), each once,
 * to pass as postMessage's transfer list: a partial's or a job's columns move to the other thread
 * instead of being copied. SharedArrayBuffers are skipped (shared, never copied anyway); Node's
 * pooled Buffer memory is untransferable and is copied by postMessage even when listed.
 *
 * The sender loses the buffers (they are detached), so only values the sender is done with go
 * through here: a kernel must return fresh buffers, not views of scratch space it reuses.
 */
export function transferablesOf(value: unknown): ArrayBuffer[] {
  const found = new Set<ArrayBuffer>();
  walk(value, found, new Set(), 0);
  return [...found];
}

const MAX_DEPTH = 64;

function walk(value: unknown, found: Set<ArrayBuffer>, seen: Set<object>, depth: number): void {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return;
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer) found.add(value.buffer);
    return;
  }
  if (value instanceof ArrayBuffer) {
    found.add(value);
    return;
  }
  if (seen.has(value)) return;
  seen.add(value);
  if (Array.isArray(value)) {
    for (const item of value) if (typeof item === 'object') walk(item, found, seen, depth + 1);
  } else if (value instanceof Map) {
    for (const [k, v] of value) {
      walk(k, found, seen, depth + 1);
      walk(v, found, seen, depth + 1);
    }
  } else if (value instanceof Set) {
    for (const item of value) walk(item, found, seen, depth + 1);
  } else {
    for (const key in value) walk((value as Record<string, unknown>)[key], found, seen, depth + 1);
  }
}
