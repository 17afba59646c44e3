import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixedEngine } from './helpers/fixed-engine.js';
import { basic, startRestServer } from './helpers/rest-server.js';

/**
 * The flows routes now that users exist: they need credentials, and read and write the user's
 * own tenant; ?tenant= may name it but not another. Status and the OpenAPI document stay open.
 */

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies, checked field by field
const json = async (res: Response): Promise<any> => res.json();
const noc = basic('noc', 's3cret:with:colons');
const line = '{"src_addr":"192.0.2.1","dst_addr":"198.51.100.2","in_bytes":100,"in_pkts":1}\n';

test('flows ingest and export: authenticated, bound to the user tenant', async (t) => {
  const server = await startRestServer(t, fixedEngine());
  const post = (headers: Record<string, string>, query = '') =>
    fetch(`${server.url}/api/v1/flows${query}`, { method: 'POST', headers, body: line });
  const get = async (authorization: string, query = '') => {
    const res = await fetch(`${server.url}/api/v1/flows${query}`, { headers: { authorization } });
    return { status: res.status, text: await res.text() };
  };

  const anonymous = await post({});
  assert.equal(anonymous.status, 401);
  assert.equal((await json(anonymous)).error.code, '28000');
  assert.equal((await fetch(`${server.url}/api/v1/flows`)).status, 401);

  const other = await post({ authorization: noc }, '?tenant=default');
  assert.equal(other.status, 403);
  assert.equal((await json(other)).error.code, 'forbidden_tenant');

  assert.equal((await post({ authorization: noc })).status, 200);
  assert.equal((await post({ authorization: noc }, '?tenant=acme')).status, 200, 'naming its own tenant');
  assert.equal(
    (await server.store.jobs({ tenant: 'acme', from: 0, to: Date.now() + 120_000 })).length > 0,
    true,
  );
  assert.deepEqual(await server.store.jobs({ tenant: 'default', from: 0, to: Date.now() + 120_000 }), []);

  const mine = await get(noc);
  assert.equal(mine.status, 200);
  assert.equal(mine.text.trimEnd().split('\n').length, 2, 'both posted flows, in acme');
  const theirs = await get(basic('flowlens', 'flowlens'));
  assert.deepEqual(theirs, { status: 200, text: '' }, 'the default tenant has none');
  assert.equal((await get(basic('flowlens', 'flowlens'), '?tenant=acme')).status, 403);

  for (const path of ['/api/v1/status', '/api/v1/openapi.json'])
    assert.equal((await fetch(`${server.url}${path}`)).status, 200, `${path} needs no credentials`);
});
