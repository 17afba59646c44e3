import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findRoute, matchPath, pathOf } from './url-match.js';

test('matchPath: literal segments must be equal, :name takes one decoded segment', () => {
  assert.deepEqual(matchPath('/', '/'), {});
  assert.deepEqual(matchPath('/query', '/query'), {});
  assert.deepEqual(matchPath('/query', '/query/'), {}, 'a trailing slash is the same page');
  assert.equal(matchPath('/query', '/'), undefined);
  assert.equal(matchPath('/', '/query'), undefined);
  assert.deepEqual(matchPath('/devices/:id', '/devices/Core%20Router'), { id: 'Core Router' });
  assert.equal(matchPath('/devices/:id', '/devices/'), undefined, 'an empty segment is no value');
  assert.equal(matchPath('/devices/:id', '/devices/a/b'), undefined);
  assert.equal(matchPath('/devices/:id', '/devices/%E0%A4%A'), undefined, 'bad percent-encoding');
});

test('findRoute takes the first match; pathOf builds the path back', () => {
  const routes = [{ path: '/devices' }, { path: '/devices/:id' }, { path: '/' }];
  assert.equal(findRoute(routes, '/devices')?.route, routes[0]);
  assert.deepEqual(findRoute(routes, '/devices/7')?.params, { id: '7' });
  assert.equal(findRoute(routes, '/nowhere'), undefined);
  const path = pathOf('/devices/:id', { id: 'a/b c' });
  assert.equal(path, '/devices/a%2Fb%20c');
  assert.deepEqual(matchPath('/devices/:id', path), { id: 'a/b c' });
});
