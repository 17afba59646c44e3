/** Small formats of the Devices, Synthetic tests and Ops pages (see format-units.ts for the rest). */

/** How long ago `ms` was, as read at a glance: `12 s ago`, `3 min ago`, `2 h ago`, `4 d ago`. */
export function ago(ms: number, now: number): string {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 90) return `${s} s ago`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min ago`;
  if (s < 48 * 3600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} d ago`;
}

/** A percentage with at most one decimal: `99.5 %`, `100 %`. */
export function formatPct(v: number): string {
  return `${Number(v.toFixed(1))} %`;
}

/** A sampling rate as operators write it: `1:512`, `unsampled` for 1. */
export function formatSampling(rate: number): string {
  return rate <= 1 ? 'unsampled' : `1:${rate}`;
}

/** Bytes with binary prefixes, as disk sizes are read: `1.5 GiB`. */
export function formatBytes(v: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let x = Math.abs(v);
  let u = 0;
  while (x >= 1023.5 && u < units.length - 1) {
    x /= 1024;
    u++;
  }
  return `${v < 0 ? '-' : ''}${u === 0 ? Math.round(x) : Number(x.toPrecision(3))} ${units[u]}`;
}
