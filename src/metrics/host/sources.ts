/** Where the host metrics read from, and how often. */
export interface SourceOptions {
  /** Where procfs is mounted. */
  readonly procRoot: string;
  /** A file is read at most once per this many ms (one read per export round). */
  readonly maxAgeMs: number;
}

/** Whether a source can be read now; one that cannot (no procfs) gets no series. */
export function works(load: () => unknown): boolean {
  try {
    load();
    return true;
  } catch {
    return false;
  }
}
