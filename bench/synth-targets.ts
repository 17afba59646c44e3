/** The benchmark's ping targets: `base` + 1 + i, all answered by the namespace's loopback. */
export const targetBase = '10.77.0.0';
export const targetPrefix = 16;

export function targetAddress(i: number, base = targetBase): string {
  const b = base.split('.').map(Number);
  const a = (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) + 1 + i) >>> 0;
  return `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
}
