import { execFileSync, spawnSync } from 'node:child_process';
import type { TestContext } from 'node:test';
import { type Peer, requirePeer, startPeer } from './peers.js';

/**
 * Two network namespaces joined by a veth pair: `server` (10.77.0.1/24 on `serverIf`) and `client`
 * (10.77.0.2/24 on `clientIf`), IPv6 off (no router or neighbour solicitations in the captures).
 * Names carry the test's pid, so runs never meet; both namespaces (and with them the veth pair and
 * anything left inside) are deleted when the test ends, failed or not. Nothing here routes out of
 * the namespaces.
 */
export interface NetnsPair {
  readonly server: string;
  readonly client: string;
  readonly serverIf: string;
  readonly clientIf: string;
  readonly serverAddr: string;
  readonly clientAddr: string;
  /** Runs a command to completion inside a namespace; its stdout (throws with its stderr when it fails). */
  run(ns: string, command: string, args: string[], input?: string): string;
  /** Starts a command inside a namespace as a peer (killed when the test ends). */
  start(ns: string, command: string, args: string[]): Peer;
}

export function createNetnsPair(t: TestContext): NetnsPair {
  const ip = requirePeer('ip');
  const tag = `${process.pid}`;
  const server = `flowlens-s${tag}`;
  const client = `flowlens-c${tag}`;
  const serverIf = `fls${tag}`.slice(0, 15);
  const clientIf = `flc${tag}`.slice(0, 15);
  const sh = (args: string[]) => execFileSync(ip, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => {
    for (const ns of [server, client]) {
      try {
        sh(['netns', 'del', ns]);
      } catch {}
    }
  });
  const run = (ns: string, command: string, args: string[], input?: string): string => {
    const r = spawnSync(ip, ['netns', 'exec', ns, requirePeer(command), ...args], {
      encoding: 'utf8',
      input,
      maxBuffer: 64 << 20,
    });
    if (r.status !== 0)
      throw new Error(`${command} ${args.join(' ')} in ${ns} failed (${r.status}):\n${r.stderr}`);
    return r.stdout;
  };
  for (const ns of [server, client]) {
    sh(['netns', 'add', ns]);
    run(ns, 'sysctl', ['-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
    sh(['-n', ns, 'link', 'set', 'lo', 'up']);
  }
  sh(['link', 'add', serverIf, 'netns', server, 'type', 'veth', 'peer', 'name', clientIf, 'netns', client]);
  sh(['-n', server, 'addr', 'add', '10.77.0.1/24', 'dev', serverIf]);
  sh(['-n', client, 'addr', 'add', '10.77.0.2/24', 'dev', clientIf]);
  sh(['-n', server, 'link', 'set', serverIf, 'up']);
  sh(['-n', client, 'link', 'set', clientIf, 'up']);
  return {
    server,
    client,
    serverIf,
    clientIf,
    serverAddr: '10.77.0.1',
    clientAddr: '10.77.0.2',
    run,
    start: (ns, command, args) => startPeer(t, 'ip', ['netns', 'exec', ns, requirePeer(command), ...args]),
  };
}

/**
 * Drops `percent`% of the IPv4 TCP packets crossing `dev` in either direction, as a lossy wire
 * would: on the device's ingress and egress hooks (after the sender's TCP stack counted them as
 * sent, before the receiver's saw them). So that even a short exchange surely loses data, the
 * first and then every 20th segment carrying at least 50 bytes of data in each direction are
 * dropped as well.
 */
export function lossyInterface(pair: NetnsPair, ns: string, dev: string, percent: number): void {
  const rule =
    `ip protocol tcp numgen random mod 100 < ${percent} counter drop; ` +
    'ip protocol tcp ip length > 100 numgen inc mod 20 == 0 counter drop;';
  pair.run(
    ns,
    'nft',
    ['-f', '-'],
    `table netdev flowlens_loss {
  chain in { type filter hook ingress device "${dev}" priority 0; policy accept; ${rule} }
  chain out { type filter hook egress device "${dev}" priority 0; policy accept; ${rule} }
}
`,
  );
}

/** Packets the loss rules dropped (their counters). */
export function lossDropped(pair: NetnsPair, ns: string): number {
  const text = pair.run(ns, 'nft', ['list', 'table', 'netdev', 'flowlens_loss']);
  return [...text.matchAll(/counter packets (\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
}
