/**
 * A job planned over files that compaction or retention has since replaced or deleted. Nothing is
 * lost: plan the query again (`jobs()`) and read the new jobs.
 */
export class StaleJobError extends Error {
  readonly code = 'stale_job';
  readonly retryable = true;
  constructor(readonly path: string) {
    super(
      `segment ${path} was rewritten by compaction or removed by retention since the job was planned; plan again`,
    );
  }
}

export function isStaleJobError(err: unknown): err is StaleJobError {
  return err instanceof Error && (err as { code?: unknown }).code === 'stale_job';
}
