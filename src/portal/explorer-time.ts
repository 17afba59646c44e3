/**
 * A time typed in UTC: `2026-01-05 10:00`, `2026-01-05T10:00:30`, `2026-01-05` (midnight), or full
 * ISO 8601 with its own zone. Undefined when it is not one.
 */
export function parseUtc(text: string): number | undefined {
  const t = text.trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    t,
  );
  if (m === null) return undefined;
  const ms = Date.parse(`${m[1]}T${m[2] ?? '00:00'}${m[3] ?? 'Z'}`);
  return Number.isFinite(ms) ? ms : undefined;
}
