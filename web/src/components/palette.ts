/** Distinct series colours (Tableau 10, then greys for "other"). */
export const palette = [
  '#4e79a7',
  '#f28e2b',
  '#e15759',
  '#76b7b2',
  '#59a14f',
  '#edc948',
  '#b07aa1',
  '#ff9da7',
  '#9c755f',
  '#bab0ac',
] as const;

export const otherColor = '#8c8c8c';

export function colorAt(i: number): string {
  return palette[i % palette.length]!;
}
