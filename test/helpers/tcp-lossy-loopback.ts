import { execFileSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { startPeer } from './peers.js';

const NFT = '/usr/sbin/nft';
const CHUNK = 1400;

function nft(args: string[]): void {
  execFileSync(NFT, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/**
 * Drops `percent`% of the TCP packets to or from `port` on their way in (after tcpdump on lo saw
 * them, so the capture holds both the lost packet and its retransmission), in an nftables table of
 * its own that is deleted when the test ends.
 */
export function dropOnLoopback(t: TestContext, port: number, percent: number): void {
  try {
    accessSync(NFT, constants.X_OK);
  } catch {
    throw new Error("nft is not installed: it comes from the Debian package 'nftables'");
  }
  const table = `flowlens_test_${process.pid}_${port}`;
  nft(['add', 'table', 'inet', table]);
  t.after(() => nft(['delete', 'table', 'inet', table]));
  nft(['add', 'chain', 'inet', table, 'in', '{ type filter hook input priority 0; policy accept; }']);
  for (const side of ['sport', 'dport']) {
    nft([
      'add',
      'rule',
      'inet',
      table,
      'in',
      'tcp',
      side,
      String(port),
      'numgen',
      'random',
      'mod',
      '100',
      '<',
      String(percent),
      'counter',
      'drop',
    ]);
  }
}

/** Writes `bytes` in segments of CHUNK bytes, one per event-loop turn (no Nagle), then ends. */
function send(socket: net.Socket, bytes: number): void {
  socket.setNoDelay(true);
  const chunk = Buffer.alloc(CHUNK, 0x61);
  let left = bytes;
  const next = () => {
    if (socket.destroyed) return;
    if (left <= 0) {
      socket.end();
      return;
    }
    const n = Math.min(left, CHUNK);
    left -= n;
    if (socket.write(n === CHUNK ? chunk : chunk.subarray(0, n))) setImmediate(next);
    else socket.once('drain', next);
  };
  next();
}

/**
 * A tiny server on 127.0.0.1: a client sends "GET n\n" to receive n bytes, or "PUT n\n" and n
 * bytes to receive "OK\n"; the server then closes.
 */
async function startServer(t: TestContext): Promise<number> {
  const server = net.createServer((socket) => {
    let head = '';
    let expect = -1;
    let got = 0;
    socket.on('error', () => {});
    socket.on('data', (data: Buffer) => {
      if (expect < 0) {
        head += data.toString('latin1');
        const nl = head.indexOf('\n');
        if (nl < 0) return;
        const [verb, n] = head.slice(0, nl).split(' ');
        if (verb === 'GET') return send(socket, Number(n));
        expect = Number(n);
        got = head.length - nl - 1;
      } else got += data.length;
      if (got >= expect) socket.end('OK\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as net.AddressInfo).port;
}

/** One client connection: sends `request` (and `upload` bytes), reads until the server closes. */
function exchange(port: number, request: string, upload = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = 0;
    socket.on('connect', () => {
      socket.write(request);
      if (upload > 0) send(socket, upload);
    });
    socket.on('data', (data: Buffer) => {
      received += data.length;
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(received));
  });
}

/**
 * Captures real TCP loss on loopback: downloads, an upload and short request/response exchanges
 * against a local server while nftables drops `percent`% of its packets, recorded by
 * `tcpdump -i lo -U` into `dir`. Returns the capture's path. The last packets may be missing
 * (tcpdump stops with packets still in its kernel buffer); the comparison does not mind, as both
 * sides read the same file.
 */
export async function captureLossyTransfers(t: TestContext, dir: string, percent: number): Promise<string> {
  const port = await startServer(t);
  const file = join(dir, `lossy-${port}.pcap`);
  dropOnLoopback(t, port, percent);
  const tcpdump = startPeer(t, 'tcpdump', [
    '-i',
    'lo',
    '-n',
    '-U',
    '-B',
    '65536',
    '-w',
    file,
    'tcp',
    'port',
    String(port),
  ]);
  await tcpdump.waitForOutput('listening on');
  const big = 1 << 20;
  const results = await Promise.all([
    exchange(port, `GET ${big}\n`),
    exchange(port, `GET ${big}\n`),
    exchange(port, `PUT ${big}\n`, big),
    (async () => {
      const sizes: number[] = [];
      for (let i = 0; i < 8; i++) sizes.push(await exchange(port, `GET ${20_000}\n`));
      return sizes.reduce((a, b) => a + b, 0);
    })(),
  ]);
  await tcpdump.stop('SIGINT');
  if (results[0] !== big || results[1] !== big || results[2] !== 3 || results[3] !== 8 * 20_000) {
    throw new Error(`transfers incomplete: ${results.join(', ')}`);
  }
  return file;
}
