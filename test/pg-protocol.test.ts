import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { test } from 'node:test';
import { fakeEngineEvents } from './helpers/pg-fake-engine.js';
import { cstr, dataRow, errorFields, int32, RawClient, type RawMessage } from './helpers/pg-raw-client.js';
import { startPgServer } from './helpers/pg-test-server.js';

/**
 * The protocol as PostgreSQL's docs ("Message Flow", "Message Formats") define it, byte by byte,
 * with the cleartext password exchange (the server's `auth: 'password'` option).
 */

const types = (messages: RawMessage[]) => messages.map((m) => m.type).join('');

test('cleartext auth; startup reports the ParameterStatus set and BackendKeyData', async (t) => {
  const { port } = await startPgServer(t, { auth: 'password' });
  const c = await RawClient.open(port);
  t.after(() => c.close());
  c.startup({ user: 'flowlens', database: 'flowlens', application_name: 'raw test' });
  const auth = await c.next();
  assert.equal(auth.type, 'R');
  assert.equal(auth.body.readInt32BE(0), 3); // AuthenticationCleartextPassword
  c.send('p', cstr('flowlens'));
  const messages = await c.until('Z');
  assert.equal(messages[0]!.type, 'R');
  assert.equal(messages[0]!.body.readInt32BE(0), 0); // AuthenticationOk
  const status = new Map(
    messages
      .filter((m) => m.type === 'S')
      .map((m) => {
        const [name, value] = m.body.toString('utf8').split('\0');
        return [name!, value!];
      }),
  );
  assert.equal(status.get('application_name'), 'raw test');
  assert.equal(status.get('server_encoding'), 'UTF8');
  assert.equal(status.get('client_encoding'), 'UTF8');
  assert.equal(status.get('DateStyle'), 'ISO, MDY');
  assert.equal(status.get('TimeZone'), 'UTC');
  assert.equal(status.get('integer_datetimes'), 'on');
  assert.equal(status.get('standard_conforming_strings'), 'on');
  assert.equal(status.get('IntervalStyle'), 'postgres');
  assert.equal(status.get('is_superuser'), 'off');
  assert.match(status.get('server_version') ?? '', /^\d+\.\d+/);
  assert.ok(messages.some((m) => m.type === 'K' && m.body.length === 8));
  assert.equal(messages.at(-1)!.body.toString(), 'I');
});

test('Execute with a row limit suspends the portal and continues; Describe, Close, Sync', async (t) => {
  const { port } = await startPgServer(t, { auth: 'password' });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  c.parse('s1', 'select series(5)');
  c.describe('S', 's1');
  c.bind('p1', 's1');
  c.describe('P', 'p1');
  c.execute('p1', 2);
  c.execute('p1', 2);
  c.execute('p1', 2);
  c.send('C', Buffer.concat([Buffer.from('P'), cstr('p1')]));
  c.sync();
  const m = await c.until('Z');
  // ParseComplete, ParameterDescription, RowDescription, BindComplete, RowDescription,
  // 2 rows + PortalSuspended, 2 rows + PortalSuspended, 1 row + CommandComplete, CloseComplete, ReadyForQuery.
  assert.equal(types(m), '1tT2TDDsDDsDC3Z');
  assert.deepEqual(
    m
      .filter((x) => x.type === 'D')
      .map(dataRow)
      .map((r) => r[0]),
    ['1', '2', '3', '4', '5'],
  );
  assert.equal(m.find((x) => x.type === 'C')!.body.toString(), 'SELECT 1\0');
});

test('after an error, extended-protocol messages are skipped until Sync; the session recovers', async (t) => {
  const { port } = await startPgServer(t, { auth: 'password' });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  c.parse('', 'select * from pg_catalog.nope');
  c.bind('', '');
  c.execute('');
  c.parse('', 'select 1');
  c.sync();
  const m = await c.until('Z');
  // Parse and Bind succeed (statements are checked when they run), Execute fails, the second Parse is skipped.
  assert.equal(types(m), '12EZ');
  assert.equal(errorFields(m[2]!).C, '42P01');
  assert.equal(errorFields(m[2]!).S, 'ERROR');
  c.bind('', 'missing');
  c.sync();
  const missing = await c.until('Z');
  assert.equal(errorFields(missing[0]!).C, '26000');
  c.query('select 7 as seven');
  const ok = await c.until('Z');
  assert.equal(types(ok), 'TDCZ');
  assert.deepEqual(dataRow(ok[1]!), ['7']);
});

test('simple query: several statements, an empty query, an error stops the rest, transaction status', async (t) => {
  const { port } = await startPgServer(t, { auth: 'password' });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  c.query('select 1; select 2');
  assert.equal(types(await c.until('Z')), 'TDCTDCZ');
  c.query(' ; -- nothing');
  assert.equal(types(await c.until('Z')), 'IZ');
  c.query('select 1; select nope_fn(); select 3');
  const failed = await c.until('Z');
  assert.equal(types(failed), 'TDCEZ');
  c.query('begin');
  const begun = await c.until('Z');
  assert.equal(begun.at(-1)!.body.toString(), 'T');
  c.query('commit');
  assert.equal((await c.until('Z')).at(-1)!.body.toString(), 'I');
});

test('SET of a reported setting sends ParameterStatus', async (t) => {
  const { port } = await startPgServer(t, { auth: 'password' });
  const c = await RawClient.login(port);
  t.after(() => c.close());
  c.query("set application_name = 'dashboards'");
  const m = await c.until('Z');
  assert.equal(types(m), 'CSZ');
  assert.equal(m[1]!.body.toString(), 'application_name\0dashboards\0');
  c.query('set statement_timeout = 10'); // not a reported setting
  assert.equal(types(await c.until('Z')), 'CZ');
});

test('a client that disconnects mid-query has its query aborted; others are served', async (t) => {
  const { port } = await startPgServer(t, { auth: 'password' });
  const c = await RawClient.login(port);
  const started = once(fakeEngineEvents, 'slow-started');
  const aborted = once(fakeEngineEvents, 'slow-aborted');
  c.query('select slow(60000)');
  await started;
  c.close();
  await aborted;
  const other = await RawClient.login(port);
  t.after(() => other.close());
  other.query('select 1');
  assert.equal(types(await other.until('Z')), 'TDCZ');
});

test('garbage, huge lengths, truncated and unknown messages get FATAL 08P01 or a close; the server keeps serving', async (t) => {
  const { port, server } = await startPgServer(t, { auth: 'password' });
  const attacks: Buffer[] = [
    Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'), // a startup length of 0x47455420: beyond the startup bound
    Buffer.concat([int32(8), int32(0x12345678)]), // protocol 4660.22136
    Buffer.concat([int32(2), int32(0)]), // a length shorter than itself
    Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]),
  ];
  for (const bytes of attacks) {
    const c = await RawClient.open(port);
    c.write(bytes);
    const m = await c.next().catch(() => undefined);
    if (m !== undefined) {
      assert.equal(m.type, 'E');
      assert.equal(errorFields(m).S, 'FATAL');
      assert.equal(errorFields(m).C, '08P01');
    }
    await c.closedByServer();
  }
  // After login: a 1 GiB length, an unknown message type, a Bind cut short.
  for (const bytes of [
    Buffer.concat([Buffer.from('Q'), int32(0x40000000)]),
    Buffer.concat([Buffer.from('!'), int32(4)]),
  ]) {
    const c = await RawClient.login(port);
    c.write(bytes);
    const m = await c.next();
    assert.equal(errorFields(m).C, '08P01');
    assert.equal(errorFields(m).S, 'FATAL');
    await c.closedByServer();
  }
  const cut = await RawClient.login(port);
  cut.send('B', Buffer.concat([cstr(''), cstr(''), Buffer.from([0, 5])])); // 5 parameter formats announced, none sent
  cut.sync();
  const m = await cut.until('Z');
  assert.equal(types(m), 'EZ');
  assert.equal(errorFields(m[0]!).C, '08P01');
  cut.close();
  // A client that sends half a message and vanishes.
  const half = await RawClient.login(port);
  half.write(Buffer.concat([Buffer.from('Q'), int32(100), Buffer.from('select')]));
  half.close();

  const ok = await RawClient.login(port);
  t.after(() => ok.close());
  ok.query('select 1');
  assert.equal(types(await ok.until('Z')), 'TDCZ');
  assert.ok(server.sessions >= 1);
});

test('SSLRequest and GSSENCRequest are answered N when TLS is not configured; startup continues', async (t) => {
  const { port } = await startPgServer(t, { auth: 'password' });
  const socket = connect(port, '127.0.0.1');
  t.after(() => socket.destroy());
  await once(socket, 'connect');
  const answer = async (bytes: Buffer) => {
    socket.write(bytes);
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    return chunk.toString('latin1', 0, 1);
  };
  assert.equal(await answer(Buffer.concat([int32(8), int32(80877104)])), 'N');
  assert.equal(await answer(Buffer.concat([int32(8), int32(80877103)])), 'N');
  const body = Buffer.concat([int32(196608), cstr('user'), cstr('flowlens'), Buffer.from([0])]);
  assert.equal(await answer(Buffer.concat([int32(body.length + 4), body])), 'R');
});
