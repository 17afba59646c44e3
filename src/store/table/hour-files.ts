/** A table keeps one file per UTC hour: `<yyyy>-<mm>-<dd>T<hh>.tbl`, blocks appended to it. */
export const HOUR_MS = 3_600_000;

/** Row times a file name can hold: years 1970 to 9999. */
export const MAX_TIME_MS = 253_402_300_800_000;

const filePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})\.tbl$/;

export function hourOf(time: number): number {
  return Math.floor(time / HOUR_MS) * HOUR_MS;
}

export function hourFileName(hourStart: number): string {
  return `${new Date(hourStart).toISOString().slice(0, 13)}.tbl`;
}

/** The hour a file name stands for; undefined for any other file. */
export function parseHourFileName(name: string): number | undefined {
  const m = filePattern.exec(name);
  if (m === null) return undefined;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]));
  return hourFileName(t) === name ? t : undefined;
}
