/**
 * Raw sockets opened as root keep working after the process drops to an unprivileged user, while
 * a new one can no longer be opened; and an unprivileged process with only CAP_NET_RAW (setpriv's
 * ambient capability, what systemd's AmbientCapabilities gives) opens them itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { cliPath } from './helpers/capture-dist.js';
import { createLoopbackNamespace } from './helpers/netns-topology.js';
import { requirePeer, runPeer, startPeer } from './helpers/peers.js';

const child = fileURLToPath(new URL('./helpers/synth-privileges-child.js', import.meta.url));
const nobody = ['--reuid=nobody', '--regid=nogroup', '--clear-groups'];

async function report(t: Parameters<typeof runPeer>[0], ns: string, prefix: string[], args: string[]) {
  const out = await runPeer(
    t,
    'ip',
    ['netns', 'exec', ns, ...prefix, process.execPath, child, ...args],
    30_000,
    'stdout',
  );
  return JSON.parse(out) as {
    euidAtOpen: number;
    opened: { v4: boolean; v6: boolean };
    openError: string;
    dropError?: string;
    euid: number;
    egid: number;
    groups: number[];
    newSocket: string;
    ping: { v4: { received: number; error: string }; v6: { received: number; error: string } };
  };
}

const uid = async (t: Parameters<typeof runPeer>[0], what: string) =>
  Number((await runPeer(t, 'id', [what === 'group' ? '-g' : '-u', 'nobody'], 5000, 'stdout')).trim());

test('after dropping root, the open sockets still ping; a new raw socket is refused', async (t) => {
  const ns = await createLoopbackNamespace(t);
  const r = await report(t, ns, [], ['drop', 'nobody']);
  assert.equal(r.euidAtOpen, 0);
  assert.deepEqual(r.opened, { v4: true, v6: true });
  assert.equal(r.dropError, undefined);
  assert.equal(r.euid, await uid(t, 'user'));
  assert.equal(r.egid, await uid(t, 'group'));
  assert.ok(!r.groups.includes(0), `still in group 0: ${r.groups}`);
  assert.equal(r.newSocket, 'Operation not permitted');
  assert.deepEqual(r.ping, { v4: { received: 3, error: '' }, v6: { received: 3, error: '' } });
});

test('unprivileged with CAP_NET_RAW the agent opens its sockets; without it ping says no_socket', async (t) => {
  const ns = await createLoopbackNamespace(t);
  const setpriv = requirePeer('setpriv');
  const withCap = await report(
    t,
    ns,
    [setpriv, ...nobody, '--inh-caps=+net_raw', '--ambient-caps=+net_raw'],
    ['keep'],
  );
  assert.equal(withCap.euidAtOpen, await uid(t, 'user'));
  assert.deepEqual(withCap.opened, { v4: true, v6: true });
  assert.deepEqual(withCap.ping, { v4: { received: 3, error: '' }, v6: { received: 3, error: '' } });
  const without = await report(t, ns, [setpriv, ...nobody, '--inh-caps=-all'], ['keep']);
  assert.deepEqual(without.opened, { v4: false, v6: false });
  assert.equal(without.openError, 'Operation not permitted');
  assert.deepEqual(without.ping, {
    v4: { received: 0, error: 'no_socket' },
    v6: { received: 0, error: 'no_socket' },
  });
  // The CLI says what to do about it.
  const cli = startPeer(t, 'ip', [
    'netns',
    'exec',
    ns,
    setpriv,
    ...nobody,
    process.execPath,
    cliPath,
    'synth',
    'run',
    'ping',
    '127.0.0.1',
    '-c',
    '1',
  ]);
  assert.equal(await cli.exited, 1);
  assert.match(
    cli.output(),
    /no raw ICMP socket \(Operation not permitted\): run as root or with CAP_NET_RAW/,
  );
});
