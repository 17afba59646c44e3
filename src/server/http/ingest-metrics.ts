import { batchErrorCodes } from '../../agent/export/batch-format.js';
import type { Registry } from '../../metrics/registry.js';
import type { IngestStats } from './ingest.js';

/**
 * The error codes POST /api/v1/flows answers with (ingest.ts, body.ts, flow-lines.ts,
 * tenant.ts). Any other code is exported as `other`, so a new one is counted before it is listed.
 */
export const ingestRejectReasons = [
  'store_starting',
  'server_stopping',
  'unsupported_encoding',
  'body_too_large',
  'bad_body',
  'bad_row',
  'bad_tenant',
  'forbidden_tenant',
  'store_disk_full',
  'store_stopped',
  'store_write_failed',
  'internal',
  'bad_device',
  'unknown_device',
  'missing_device',
  ...batchErrorCodes,
] as const;

const listed = new Set<string>(ingestRejectReasons);

/** Puts the HTTP ingest endpoint's counters (IngestStats, read at export) into the registry. */
export function instrumentIngest(registry: Registry, stats: IngestStats): void {
  registry.counterFn('flowlens_ingest_http_requests_total', () => stats.requests, undefined, {
    help: 'POST /api/v1/flows requests (authenticated), accepted or not',
  });
  registry.counterFn('flowlens_ingest_http_rows_total', () => stats.rows, undefined, {
    help: 'Flow rows accepted through POST /api/v1/flows (durable when acknowledged)',
  });
  registry.counterFn('flowlens_ingest_http_body_bytes_total', () => stats.bytes, undefined, {
    help: 'Bytes of POST /api/v1/flows request bodies read (after gunzip), accepted or not',
  });
  registry.counterFn('flowlens_ingest_http_duplicate_batches_total', () => stats.duplicates, undefined, {
    help: 'Batches acknowledged again without storing them: retries of batches already stored',
  });
  const rejected = {
    help: 'POST /api/v1/flows requests refused, by error code (none of their rows is stored)',
  };
  for (const reason of ingestRejectReasons)
    registry.counterFn(
      'flowlens_ingest_http_rejected_requests_total',
      () => stats.errors[reason] ?? 0,
      { reason },
      rejected,
    );
  registry.counterFn(
    'flowlens_ingest_http_rejected_requests_total',
    () => {
      let n = 0;
      for (const [code, count] of Object.entries(stats.errors)) if (!listed.has(code)) n += count;
      return n;
    },
    { reason: 'other' },
    rejected,
  );
}
