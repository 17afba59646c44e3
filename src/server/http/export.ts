import { flowColumns } from '../../flow/schema.js';
import type { StorageBackend } from '../../store/backend.js';
import { jobColumnsToBatch } from '../../store/compact/to-batch.js';
import { type Handler, HttpError } from './respond.js';
import { requestTenant } from './tenant.js';

const names = flowColumns.map((c) => c.name);
const maxRows = 1_000_000;

/**
 * GET /api/v1/flows?from=&to=: the stored flows of a time range of the authenticated user's tenant
 * as JSON lines, the same shape POST takes — raw export for checks and debugging; questions are
 * asked with POST /api/v1/query. A
 * job that changed under the read (sealed or compacted meanwhile) restarts the read, so the answer
 * is one consistent picture.
 */
export function exportFlows(store: Pick<StorageBackend, 'jobs' | 'read'>): Handler {
  return async (req, res) => {
    const params = req.url.searchParams;
    const tenant = requestTenant(req);
    const from = time(params.get('from'), 0, 'from');
    const to = time(params.get('to'), req.receivedAt + 86_400_000, 'to');
    const limit = Math.min(maxRows, Number(params.get('limit') ?? maxRows));
    let lines: string[] | undefined;
    for (let attempt = 0; lines === undefined; attempt++) {
      try {
        lines = await readLines(store, tenant, from, to, limit);
      } catch (err) {
        const { code, path } = err as { code?: unknown; path?: unknown };
        // The store has quarantined the segment already: the same request now reads the rest.
        if (code === 'corrupt_segment')
          throw new HttpError(
            500,
            'corrupt_segment',
            `${(err as Error).message}; quarantined, retry to read the rest`,
            {
              path,
            },
          );
        if (code !== 'stale_job' || attempt >= 5) throw err;
      }
    }
    lines.push('');
    const body = lines.join('\n');
    res.writeHead(200, { 'content-type': 'application/x-ndjson', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
}

async function readLines(
  store: Pick<StorageBackend, 'jobs' | 'read'>,
  tenant: string,
  from: number,
  to: number,
  limit: number,
): Promise<string[]> {
  const lines: string[] = [];
  for (const job of await store.jobs({ tenant, from, to })) {
    const batch = jobColumnsToBatch(await store.read(job, names), flowColumns);
    for (let row = 0; row < batch.length && lines.length < limit; row++)
      lines.push(JSON.stringify(batch.rowObject(row)));
  }
  return lines;
}

function time(text: string | null, fallback: number, name: string): number {
  if (text === null) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(value))
    throw new HttpError(400, 'bad_parameter', `${name}: expected ms since the epoch or an ISO 8601 time`);
  return value;
}
