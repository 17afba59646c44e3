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

test('status: every device for this machine and admins, only its own tenant for a remote user', async (t) => {
  const server = await startRestServer(t, fixedEngine());
  // A proxy header makes the loopback client a remote one, as for the debug endpoints.
  const status = async (headers: Record<string, string>) => {
    const res = await fetch(`${server.url}/api/v1/status`, { headers });
    return { status: res.status, body: await json(res) };
  };
  const names = (body: { collector: { devices: { name: string }[] } }) =>
    body.collector.devices.map((d) => d.name).sort();
  const remote = { 'x-forwarded-for': '198.51.100.99' };

  const local = await status({});
  assert.deepEqual(names(local.body), ['core1', 'edge1']);
  assert.deepEqual(local.body.collector.refusedExporters, { '203.0.113.9': 4 });

  const anonymous = await status(remote);
  assert.equal(anonymous.status, 200, 'still open: phases and counters for health checks');
  assert.deepEqual(names(anonymous.body), []);
  assert.equal(anonymous.body.collector.refusedExporters, undefined, 'addresses hidden');
  assert.equal(anonymous.body.collector.refusedExporterCount, 1, 'but counted');

  assert.deepEqual(names((await status({ ...remote, authorization: noc })).body), ['core1'], 'acme only');
  const admin = await status({ ...remote, authorization: basic('ops', 'ops-password') });
  assert.deepEqual(names(admin.body), ['core1', 'edge1']);
  const wrong = await status({ ...remote, authorization: basic('noc', 'wrong') });
  assert.equal(wrong.status, 401, 'bad credentials are refused, not read as anonymous');
});
