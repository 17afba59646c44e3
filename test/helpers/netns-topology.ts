/**
 * A routed path in network namespaces, for synthetic-test tests (needs root):
 *
 *   client c0 ── r1a  r1  r1b ── wa  wan  wb ── r2a  r2  r2b ── s0 server
 *
 * The wan namespace is a transparent L2 wire (a bridge) that a delay relay can replace. IPv4 and
 * IPv6 (documentation prefixes, reachable only inside these namespaces), forwarding in the
 * routers, and no ICMP rate limits anywhere, so traceroute answers are deterministic. Names are
 * unique per test; everything is deleted when the test ends, even if it failed.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { repoRoot } from './paths.js';
import { type Peer, requirePeer, runPeer, startPeer, tempDir } from './peers.js';

export interface HostAddresses {
  readonly v4: string;
  readonly v6: string;
}

export interface Topology {
  readonly client: string;
  readonly r1: string;
  readonly wan: string;
  readonly r2: string;
  readonly server: string;
  /** The addresses a traceroute from the client sees, in order: r1, r2, server. */
  readonly hops: readonly HostAddresses[];
  readonly serverAddress: HostAddresses;
  /** `ip netns exec NS` — prefix a command line with it to run in a namespace. */
  wrap(ns: string): string[];
  /** Runs a command in a namespace to completion; its stdout and stderr. */
  exec(ns: string, command: string, args: string[], timeoutMs?: number): Promise<string>;
  /** Drops `pct` % of what r1 forwards towards r2 (nftables numgen); the drop counter's reader. */
  addLoss(pct: number): Promise<{ dropped(): Promise<number> }>;
  /** Replaces the wan bridge with a relay that holds every frame `ms` in each direction. */
  addDelay(ms: number): Promise<Peer>;
}

const prefix = 'flsyn';
let counter = 0;

/** Deletes namespaces left by earlier runs whose process is gone (a killed test). */
function sweepStale(): void {
  let list = '';
  try {
    list = execFileSync(requirePeer('ip'), ['netns', 'list'], { encoding: 'utf8' });
  } catch {
    return;
  }
  for (const line of list.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const pid = /^flsyn-(\d+)-/.exec(name)?.[1];
    if (pid !== undefined && !existsSync(`/proc/${pid}`))
      try {
        execFileSync(requirePeer('ip'), ['netns', 'del', name]);
      } catch {}
  }
}

const links = [
  // [ns a, if a, ns b, if b, v4 a, v4 b, v6 a, v6 b]
  ['client', 'c0', 'r1', 'r1a', '192.0.2.2', '192.0.2.1', '2001:db8:1::2', '2001:db8:1::1'],
  ['r1', 'r1b', 'wan', 'wa', '198.51.100.1', '', '2001:db8:2::1', ''],
  ['wan', 'wb', 'r2', 'r2a', '', '198.51.100.2', '', '2001:db8:2::2'],
  ['r2', 'r2b', 'server', 's0', '203.0.113.1', '203.0.113.2', '2001:db8:3::1', '2001:db8:3::2'],
] as const;

const routes: Record<string, string[]> = {
  client: ['route add default via 192.0.2.1', 'route add default via 2001:db8:1::1'],
  r1: ['route add 203.0.113.0/24 via 198.51.100.2', 'route add 2001:db8:3::/64 via 2001:db8:2::2'],
  r2: ['route add 192.0.2.0/24 via 198.51.100.1', 'route add 2001:db8:1::/64 via 2001:db8:2::1'],
  server: ['route add default via 203.0.113.1', 'route add default via 2001:db8:3::1'],
  wan: ['link add br0 type bridge', 'link set wa master br0', 'link set wb master br0', 'link set br0 up'],
};

const noRateLimits = [
  'net.ipv4.icmp_ratelimit=0',
  'net.ipv4.icmp_msgs_per_sec=1000000',
  'net.ipv4.icmp_msgs_burst=1000000',
  'net.ipv6.icmp.ratelimit=0',
];

export async function createTopology(t: TestContext): Promise<Topology> {
  sweepStale();
  const id = `${prefix}-${process.pid}-${++counter}-${Math.floor(Math.random() * 1e6)}`;
  const ns = { client: `${id}-c`, r1: `${id}-r1`, wan: `${id}-w`, r2: `${id}-r2`, server: `${id}-s` };
  const names = Object.values(ns);
  t.after(() => {
    for (const name of names)
      try {
        execFileSync(requirePeer('ip'), ['netns', 'del', name], { stdio: 'ignore' });
      } catch {}
  });
  const dir = tempDir(t, 'flowlens-netns-');
  const batch = async (file: string, lines: string[], nsName?: string) => {
    writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
    await runPeer(t, 'ip', [...(nsName ? ['-n', nsName] : []), '-batch', join(dir, file)]);
  };
  const exec = (name: string, command: string, args: string[], timeoutMs = 60_000) =>
    runPeer(t, 'ip', ['netns', 'exec', name, requirePeer(command), ...args], timeoutMs);

  await batch(
    'namespaces',
    names.map((n) => `netns add ${n}`),
  );
  // Before any interface exists (they copy `default`): no duplicate address detection, so no
  // address is ever tentative, and no IPv6 at all in the L2 wire.
  await exec(ns.wan, 'sysctl', [
    '-qw',
    'net.ipv6.conf.all.disable_ipv6=1',
    'net.ipv6.conf.default.disable_ipv6=1',
  ]);
  for (const name of names) {
    const forwarding =
      name === ns.r1 || name === ns.r2 ? ['net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1'] : [];
    const noDad = ['net.ipv6.conf.all.accept_dad=0', 'net.ipv6.conf.default.accept_dad=0'];
    await exec(name, 'sysctl', ['-qw', ...noRateLimits, ...(name === ns.wan ? [] : noDad), ...forwarding]);
  }
  await batch(
    'links',
    links.map(([a, ia, b, ib]) => `link add ${ia} netns ${ns[a]} type veth peer name ${ib} netns ${ns[b]}`),
  );
  const perNs = new Map<string, string[]>(names.map((n) => [n, ['link set lo up']]));
  for (const [a, ia, b, ib, v4a, v4b, v6a, v6b] of links) {
    for (const [n, dev, v4, v6] of [
      [a, ia, v4a, v6a],
      [b, ib, v4b, v6b],
    ] as const) {
      const lines = perNs.get(ns[n])!;
      if (v4 !== '') lines.push(`addr add ${v4}/24 dev ${dev}`, `addr add ${v6}/64 dev ${dev} nodad`);
      lines.push(`link set ${dev} up`);
    }
  }
  for (const [key, lines] of Object.entries(routes)) perNs.get(ns[key as keyof typeof ns])!.push(...lines);
  for (const [name, lines] of perNs) await batch(name, lines, name);
  // A veth is usable only once the kernel's link watcher (which runs at most once a second) has
  // seen its carrier: until then it drops what it sends, and IPv6 has no link-local address to
  // answer neighbour solicitations from. Wait until the server answers from the client, both
  // families (fping retries every 100 ms; -B 1: no backoff).
  const serverAddress = { v4: '203.0.113.2', v6: '2001:db8:3::2' };
  await exec(ns.client, 'fping', [
    '-q',
    '-r',
    '50',
    '-B',
    '1',
    '-t',
    '100',
    serverAddress.v4,
    serverAddress.v6,
  ]);

  const topology: Topology = {
    ...ns,
    hops: [
      { v4: '192.0.2.1', v6: '2001:db8:1::1' },
      { v4: '198.51.100.2', v6: '2001:db8:2::2' },
      serverAddress,
    ],
    serverAddress,
    wrap: (name) => [requirePeer('ip'), 'netns', 'exec', name],
    exec,
    async addLoss(pct) {
      await exec(ns.r1, 'nft', [
        '-f',
        writeRules(
          dir,
          [
            'table inet flsyn_loss {',
            '  chain filter_fwd {',
            '    type filter hook forward priority 0; policy accept;',
            `    oifname "r1b" numgen random mod 100 < ${pct} counter drop`,
            '  }',
            '}',
          ].join('\n'),
        ),
      ]);
      return {
        async dropped() {
          const json = JSON.parse(
            await exec(ns.r1, 'nft', ['-j', 'list', 'table', 'inet', 'flsyn_loss']),
          ) as {
            nftables: { rule?: { expr: { counter?: { packets: number } }[] } }[];
          };
          for (const item of json.nftables)
            for (const e of item.rule?.expr ?? []) if (e.counter !== undefined) return e.counter.packets;
          throw new Error('no drop counter in the loss table');
        },
      };
    },
    async addDelay(ms) {
      for (const [name, dev] of [
        [ns.r1, 'r1b'],
        [ns.wan, 'wa'],
        [ns.wan, 'wb'],
        [ns.r2, 'r2a'],
      ] as const)
        await exec(name, 'ethtool', ['-K', dev, 'tx', 'off', 'tso', 'off', 'gso', 'off']);
      await batch('unbridge', ['link set wa nomaster', 'link set wb nomaster', 'link del br0'], ns.wan);
      const script = `${repoRoot}test/helpers/delay-relay.py`;
      const relay = startPeer(t, 'ip', [
        'netns',
        'exec',
        ns.wan,
        requirePeer('python3'),
        '-u',
        script,
        'wa',
        'wb',
        String(ms),
      ]);
      await relay.waitForOutput('relay ready');
      return relay;
    },
  };
  return topology;
}

function writeRules(dir: string, text: string): string {
  const file = join(dir, `rules-${Math.floor(Math.random() * 1e9)}.nft`);
  writeFileSync(file, `${text}\n`);
  return file;
}

/** A namespace with only its loopback interface up (ICMP rate limits off); deleted at the test's end. */
export async function createLoopbackNamespace(t: TestContext): Promise<string> {
  sweepStale();
  const name = `${prefix}-${process.pid}-${++counter}-${Math.floor(Math.random() * 1e6)}-lo`;
  t.after(() => {
    try {
      execFileSync(requirePeer('ip'), ['netns', 'del', name], { stdio: 'ignore' });
    } catch {}
  });
  await runPeer(t, 'ip', ['netns', 'add', name]);
  await runPeer(t, 'ip', ['-n', name, 'link', 'set', 'lo', 'up']);
  await runPeer(t, 'ip', ['netns', 'exec', name, requirePeer('sysctl'), '-qw', ...noRateLimits]);
  return name;
}
