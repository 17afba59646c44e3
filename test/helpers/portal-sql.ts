import type { Statement } from '../../src/portal/devices-sql.js';
import type { QueryAnswer } from '../../src/portal/pages-cells.js';

/** Runs a portal statement through POST /api/v1/query as the portal does; throws on an API error. */
export async function runStatement(url: string, authorization: string, st: Statement): Promise<QueryAnswer> {
  const res = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization, 'content-type': 'application/json' },
    body: JSON.stringify({ sql: st.sql, params: st.params }),
  });
  const body = (await res.json()) as QueryAnswer & { error?: { code: string; message: string } };
  if (res.status !== 200)
    throw new Error(`${st.sql}: ${res.status} ${body.error?.code} ${body.error?.message}`);
  return body;
}
