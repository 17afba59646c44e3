import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createQueryEngine } from '../src/query/engine.js';
import { basic, startRestServer } from './helpers/rest-server.js';

/**
 * GET /api/v1/openapi.json: valid JSON, OpenAPI 3.1, exactly the routes the server routes (the
 * route table the server is built from), every $ref resolving, and every example request it
 * documents answered with a documented success whose body fits the documented schema — the query
 * examples parsed, planned and run by the real engine over the test store.
 */

// biome-ignore lint/suspicious/noExplicitAny: the document is walked generically
type Doc = any;

/** A small JSON Schema checker for the keywords the document uses; returns the first problem. */
function check(doc: Doc, schema: Doc, value: unknown, at = '$'): string | undefined {
  if (schema.$ref !== undefined) return check(doc, resolve(doc, schema.$ref), value, at);
  if (schema.type !== undefined) {
    const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type];
    const actual =
      value === null
        ? 'null'
        : Array.isArray(value)
          ? 'array'
          : Number.isInteger(value)
            ? 'integer'
            : typeof value;
    const ok = types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
    if (!ok) return `${at}: ${actual} is not ${types.join('|')}`;
  }
  if (schema.enum !== undefined && !schema.enum.includes(value)) return `${at}: ${String(value)} not in enum`;
  if (Array.isArray(value) && schema.items !== undefined)
    for (const [i, item] of value.entries()) {
      const problem = check(doc, schema.items, item, `${at}[${i}]`);
      if (problem !== undefined) return problem;
    }
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in record)) return `${at}: missing ${key}`;
    for (const [key, v] of Object.entries(record)) {
      const sub = schema.properties?.[key];
      if (sub === undefined) {
        if (schema.additionalProperties === false) return `${at}: unexpected ${key}`;
        continue;
      }
      const problem = check(doc, sub, v, `${at}.${key}`);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function resolve(doc: Doc, ref: string): Doc {
  assert.ok(ref.startsWith('#/'), `local $ref ${ref}`);
  let node = doc;
  for (const part of ref.slice(2).split('/')) node = node?.[part];
  assert.ok(node !== undefined, `$ref ${ref} resolves`);
  return node;
}

function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refs(n, out);
  else if (typeof node === 'object' && node !== null)
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value);
      else refs(value, out);
    }
  return out;
}

test('the OpenAPI document: valid, complete, and every documented example request works', async (t) => {
  const server = await startRestServer(t, (store) => createQueryEngine({ backend: store }));
  const res = await fetch(`${server.url}/api/v1/openapi.json`);
  assert.equal(res.status, 200);
  const doc: Doc = JSON.parse(await res.text());
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(typeof doc.info.title, 'string');
  assert.equal(typeof doc.info.version, 'string');

  const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops as object).map((method) => `${method.toUpperCase()} ${path}`),
  );
  const routed = server.routes.map((r) => `${r.method} ${r.path}`);
  assert.deepEqual(documented.sort(), [...routed].sort(), 'every route documented, nothing else');
  for (const ref of refs(doc)) resolve(doc, ref);
  const operationIds = Object.values(doc.paths).flatMap((ops) =>
    Object.values(ops as Doc).map((o: Doc) => o.operationId),
  );
  assert.equal(new Set(operationIds).size, documented.length, 'one operationId per operation, all distinct');

  let sent = 0;
  for (const [path, ops] of Object.entries(doc.paths) as [string, Doc][]) {
    for (const [method, op] of Object.entries(ops) as [string, Doc][]) {
      const route = server.routes.find((r) => r.path === path && r.method === method.toUpperCase())!;
      assert.equal(
        op.security.length > 0,
        route.auth === 'user',
        `${method} ${path}: security matches the route`,
      );
      if (route.auth === 'user') assert.ok(op.responses['401'], `${method} ${path} documents 401`);
      const query = new URLSearchParams();
      for (const p of op.parameters ?? []) if (p.example !== undefined) query.set(p.name, String(p.example));
      const bodies: { type?: string; value?: unknown }[] = [];
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {}) as [string, Doc][])
        for (const example of Object.values(media.examples ?? {}) as Doc[])
          bodies.push({ type, value: example.value });
      if (bodies.length === 0) bodies.push({});
      for (const body of bodies) {
        const headers: Record<string, string> = {};
        if (route.auth === 'user') headers.authorization = basic('flowlens', 'flowlens');
        if (body.type !== undefined) headers['content-type'] = body.type;
        const what = `${method.toUpperCase()} ${path}?${query} ${body.type ?? ''}`;
        const answer = await fetch(`${server.url}${path}${query.size > 0 ? `?${query}` : ''}`, {
          method: method.toUpperCase(),
          headers,
          ...(body.value === undefined
            ? {}
            : { body: typeof body.value === 'string' ? body.value : JSON.stringify(body.value) }),
        });
        const text = await answer.text();
        assert.ok(answer.status >= 200 && answer.status < 300, `${what}: ${answer.status} ${text}`);
        const documentedAnswer = op.responses[String(answer.status)];
        assert.ok(documentedAnswer, `${what}: status ${answer.status} is documented`);
        const mediaType = answer.headers.get('content-type')!.split(';')[0]!;
        const media = documentedAnswer.content?.[mediaType];
        assert.ok(media, `${what}: ${mediaType} is a documented response type`);
        if (mediaType === 'application/json') {
          const problem = check(doc, media.schema, JSON.parse(text));
          assert.equal(problem, undefined, `${what}: the body fits the schema`);
        }
        sent++;
      }
    }
  }
  assert.ok(sent >= server.routes.length + 1, 'every route was exercised, the query with both examples');
});
