import dgram from 'node:dgram';
import net from 'node:net';
import type { RunDeadline } from './deadline.js';
import { type DnsResponse, messageId, parseResponse } from './dns-message.js';
import { DnsFormatError } from './dns-reader.js';
import { errorCode, probeErrors } from './errors.js';

export type Answer = { readonly response: DnsResponse } | { readonly error: string };

export interface Server {
  readonly address: string;
  readonly family: 4 | 6;
  readonly port: number;
}

/** The parsed message, or bad_response. */
function answer(buf: Buffer): Answer {
  try {
    return { response: parseResponse(buf) };
  } catch (err) {
    if (err instanceof DnsFormatError) return { error: probeErrors.badResponse };
    throw err;
  }
}

/**
 * One query over UDP on a connected socket of its own (so only the server's datagrams arrive, and
 * an ICMP port unreachable surfaces as ECONNREFUSED). Datagrams with another ID are ignored, as
 * dig does; one with our ID that does not parse is a bad_response.
 */
export function queryUdp(server: Server, id: number, query: Buffer, deadline: RunDeadline): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(server.family === 6 ? 'udp6' : 'udp4');
    let done = false;
    const finish = (a: Answer) => {
      if (done) return;
      done = true;
      deadline.signal.removeEventListener('abort', onAbort);
      socket.close();
      resolve(a);
    };
    const onAbort = () => finish({ error: deadline.code });
    if (deadline.signal.aborted) return onAbort();
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    socket.on('error', (err) => finish({ error: errorCode(err) }));
    socket.on('message', (msg: Buffer) => {
      if (messageId(msg) === id || msg.length < 2) finish(answer(msg));
    });
    socket.connect(server.port, server.address, () => {
      if (done) return; // the deadline passed while connecting: the socket is closed
      socket.send(query, (err) => {
        if (err) finish({ error: errorCode(err) });
      });
    });
  });
}

/**
 * One query over TCP (RFC 7766): the message behind a two-byte length, on a connection of its own.
 * A connection closed before a whole answer arrived is `reset`.
 */
export function queryTcp(server: Server, query: Buffer, deadline: RunDeadline): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: server.address, port: server.port, noDelay: true });
    let done = false;
    const finish = (a: Answer) => {
      if (done) return;
      done = true;
      deadline.signal.removeEventListener('abort', onAbort);
      socket.destroy();
      resolve(a);
    };
    const onAbort = () => finish({ error: deadline.code });
    if (deadline.signal.aborted) return onAbort();
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    const chunks: Buffer[] = [];
    let have = 0;
    socket.on('connect', () => {
      const framed = Buffer.alloc(2 + query.length);
      framed.writeUInt16BE(query.length, 0);
      query.copy(framed, 2);
      socket.write(framed);
    });
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      have += chunk.length;
      if (have < 2) return;
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, have);
      chunks.length = 0;
      chunks.push(all);
      const len = all.readUInt16BE(0);
      if (have >= 2 + len) finish(answer(all.subarray(2, 2 + len)));
    });
    socket.on('end', () => finish({ error: probeErrors.reset }));
    socket.on('error', (err) => finish({ error: errorCode(err) }));
  });
}
