import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/** A node HTTP server on 127.0.0.1: /small (a short text), /big (1 MiB), /upload (counts the body), else 404. */
export async function startHttpServer(t: TestContext): Promise<number> {
  const big = Buffer.alloc(1 << 20, 0x62);
  const server = http.createServer((req, res) => {
    let body = 0;
    req.on('data', (chunk: Buffer) => {
      body += chunk.length;
    });
    req.on('end', () => {
      if (req.url?.startsWith('/small')) res.end('hello flows\n');
      else if (req.url === '/big') res.end(big);
      else if (req.url === '/upload') res.end(`got ${body}\n`);
      else {
        res.statusCode = 404;
        res.end('no such page\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

export interface HttpExchange {
  readonly status: number;
  /** The client's port: the flow's l4_src_port. */
  readonly clientPort: number;
  readonly received: number;
}

/**
 * One request on a connection of its own (`agent: false`: `Connection: close`), read to the end;
 * resolves once the connection is closed.
 */
export function httpRequest(
  port: number,
  method: string,
  path: string,
  body?: Buffer,
): Promise<HttpExchange> {
  return new Promise((resolve, reject) => {
    let clientPort = 0;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        headers: { 'user-agent': 'flowlens-live-test' },
      },
      (res) => {
        let received = 0;
        res.on('data', (chunk: Buffer) => {
          received += chunk.length;
        });
        res.on('end', () => {
          res.socket.once('close', () => resolve({ status: res.statusCode ?? 0, clientPort, received }));
          if (res.socket.destroyed) resolve({ status: res.statusCode ?? 0, clientPort, received });
        });
      },
    );
    req.on('socket', (socket) => socket.once('connect', () => (clientPort = socket.localPort ?? 0)));
    req.on('error', reject);
    req.end(body);
  });
}

/** A UDP echo server on 127.0.0.1; returns its port. */
export async function startUdpEcho(t: TestContext): Promise<number> {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (msg, rinfo) => socket.send(msg, rinfo.port, rinfo.address));
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => socket.close(() => resolve())));
  return socket.address().port;
}

/** Sends `count` datagrams of `size` bytes one at a time, each after the previous one's echo. */
export async function udpExchange(port: number, count: number, size: number): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const payload = Buffer.alloc(size, 0x75);
  try {
    for (let i = 0; i < count; i++) {
      const echoed = new Promise<void>((resolve) => socket.once('message', () => resolve()));
      socket.send(payload, port, '127.0.0.1');
      await echoed;
    }
    return socket.address().port;
  } finally {
    socket.close();
  }
}
