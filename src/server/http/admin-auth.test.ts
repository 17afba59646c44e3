import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Users } from '../auth/users.js';
import { mergeConfig, parseConfigFile } from '../config.js';
import { authorizeAdmin, isLoopback } from './admin-auth.js';
import { HttpError } from './respond.js';

const config = parseConfigFile(
  JSON.stringify({
    users: [
      { name: 'ops', password: 'ops-pw', admin: true },
      { name: 'noc', password: 'noc-pw', tenant: 'acme' },
    ],
    tokens: [
      { token: 'ops-token-0123456789', user: 'ops' },
      { token: 'noc-token-0123456789', user: 'noc' },
    ],
  }),
  'f.json',
);
const users = new Users(config.users!, config.tokens);
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const remote = '192.0.2.7';

function refused(status: number, code: string, run: () => unknown): void {
  assert.throws(
    run,
    (err: unknown) => err instanceof HttpError && err.status === status && err.code === code,
  );
}

test('loopback addresses: 127.0.0.0/8, ::1, and IPv4-mapped 127.x', () => {
  for (const a of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1', '::FFFF:127.1.2.3'])
    assert.equal(isLoopback(a), true, a);
  for (const a of ['10.0.0.1', '::ffff:10.0.0.1', '::2', '128.0.0.1', '', undefined])
    assert.equal(isLoopback(a), false, String(a));
});

test('from another host: an admin user passes; anyone else gets 401 or 403', () => {
  refused(401, '28000', () => authorizeAdmin(remote, {}, users));
  refused(401, '28P01', () => authorizeAdmin(remote, { authorization: basic('ops', 'wrong') }, users));
  refused(403, 'admin_required', () =>
    authorizeAdmin(remote, { authorization: basic('noc', 'noc-pw') }, users),
  );
  refused(403, 'admin_required', () =>
    authorizeAdmin(remote, { authorization: 'Bearer noc-token-0123456789' }, users),
  );
  assert.deepEqual(authorizeAdmin(remote, { authorization: basic('ops', 'ops-pw') }, users), {
    via: 'admin',
    principal: { user: 'ops', tenant: 'default' },
  });
  assert.equal(authorizeAdmin(remote, { authorization: 'Bearer ops-token-0123456789' }, users).via, 'admin');
});

test('from loopback no credentials are needed, unless the request came through a proxy', () => {
  assert.deepEqual(authorizeAdmin('127.0.0.1', {}, users), { via: 'loopback' });
  assert.deepEqual(authorizeAdmin('::1', {}, users), { via: 'loopback' });
  refused(401, '28000', () => authorizeAdmin('127.0.0.1', { 'x-forwarded-for': '198.51.100.1' }, users));
  refused(403, 'admin_required', () =>
    authorizeAdmin(
      '127.0.0.1',
      { forwarded: 'for=198.51.100.1', authorization: basic('noc', 'noc-pw') },
      users,
    ),
  );
});

test('the built-in user is an admin; a configured user is not unless it says so', () => {
  const defaults = mergeConfig({}, { data: '/tmp/x' });
  assert.equal(new Users(defaults.users).isAdmin('flowlens'), true);
  assert.equal(users.isAdmin('ops'), true);
  assert.equal(users.isAdmin('noc'), false);
  assert.equal(users.isAdmin('nobody'), false);
  assert.throws(
    () => parseConfigFile(JSON.stringify({ users: [{ name: 'a', password: 'b', admin: 'yes' }] }), 'f.json'),
    /users\[0\]\.admin: expected true or false/,
  );
});
