import { performance } from 'node:perf_hooks';
import { openSegment } from './reader.js';

export interface DecodeSpeed {
  /** Rows × columns decoded. */
  readonly values: number;
  readonly seconds: number;
  readonly valuesPerSecond: number;
  /** Process CPU time over the same span: on a busy machine, values per CPU second is steadier. */
  readonly cpuSeconds: number;
  readonly valuesPerCpuSecond: number;
  /** Bytes read from disk (compressed blocks). */
  readonly bytes: number;
}

/**
 * Decodes the given columns (default: all) of every part of a segment `repeat` times on this
 * thread, as a query job would: the figure the store benchmark reports as scan speed.
 */
export function measureDecodeSpeed(path: string, columns?: readonly string[], repeat = 3): DecodeSpeed {
  const reader = openSegment(path);
  try {
    const { meta } = reader;
    const names = columns ?? meta.schema.map((col) => col.name);
    const indexes = names.map((name) => meta.schema.findIndex((col) => col.name === name));
    let values = 0;
    let bytes = 0;
    for (const part of meta.parts) {
      values += part.rows * names.length;
      for (const c of indexes) bytes += c >= 0 ? part.columns[c]!.bytes : 0;
    }
    // One untimed pass warms the file cache and the JIT.
    const readAll = () => {
      for (let p = 0; p < meta.parts.length; p++) reader.readPart(p, names);
    };
    readAll();
    const start = performance.now();
    const cpuStart = process.cpuUsage();
    for (let r = 0; r < repeat; r++) readAll();
    const cpu = process.cpuUsage(cpuStart);
    const seconds = (performance.now() - start) / 1000;
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    const total = values * repeat;
    return {
      values: total,
      seconds,
      valuesPerSecond: total / seconds,
      cpuSeconds,
      valuesPerCpuSecond: total / cpuSeconds,
      bytes,
    };
  } finally {
    reader.close();
  }
}
