import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import type { RunDeadline } from './deadline.js';
import { errorCode, probeErrors } from './errors.js';

/** How much of the body is kept for `bodyMatch`; the rest is read and counted, not kept. */
export const bodyMatchLimit = 1 << 20;

export interface ExchangeRequest {
  readonly url: URL;
  readonly address: string;
  readonly family: 4 | 6;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly ca?: string;
  readonly insecure?: boolean;
}

/** One request's timeline (performance.now() instants, NaN for what did not happen) and outcome. */
export interface Exchange {
  error: string;
  /** When the socket started connecting (after the client's own setup). */
  connecting: number;
  connected: number;
  secured: number;
  firstByte: number;
  lastByte: number;
  status: number;
  sizeBytes: number;
  /** The first `bodyMatchLimit` bytes of the body. */
  body: Buffer;
  tlsVersion: string;
  certExpiry: number;
}

/**
 * Sends one request on a connection of its own (every run pays for its own connect and handshake)
 * to an address resolved beforehand, and reads the whole response. Redirects are not followed: a 3xx is the result. Settles, never rejects.
 */
export function exchange(req: ExchangeRequest, deadline: RunDeadline): Promise<Exchange> {
  const x: Exchange = {
    error: '',
    connecting: Number.NaN,
    connected: Number.NaN,
    secured: Number.NaN,
    firstByte: Number.NaN,
    lastByte: Number.NaN,
    status: 0,
    sizeBytes: 0,
    body: Buffer.alloc(0),
    tlsVersion: '',
    certExpiry: Number.NaN,
  };
  return new Promise((resolve) => {
    let done = false;
    let request: http.ClientRequest | undefined;
    const finish = (error: string) => {
      if (done) return;
      done = true;
      x.error = error;
      deadline.signal.removeEventListener('abort', onAbort);
      request?.destroy();
      resolve(x);
    };
    const onAbort = () => finish(deadline.code);
    if (deadline.signal.aborted) return onAbort();
    deadline.signal.addEventListener('abort', onAbort, { once: true });
    // The name was resolved (and timed) already: hand the socket that address. The socket asks
    // synchronously, right before it connects.
    const fixed = ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
      x.connecting = performance.now();
      if (options.all) cb(null, [{ address: req.address, family: req.family }]);
      else cb(null, req.address, req.family);
    }) as unknown as LookupFunction;
    const tls = req.url.protocol === 'https:';
    const options: https.RequestOptions & { secureContext?: SecureContext } = {
      method: req.method,
      hostname: bareHostname(req.url),
      port: req.url.port === '' ? (tls ? 443 : 80) : Number(req.url.port),
      path: `${req.url.pathname}${req.url.search}`,
      headers: { 'user-agent': 'flowlens-synth', ...req.headers },
      agent: timedAgent(tls, () => {
        x.connecting = performance.now();
      }),
      lookup: fixed,
      family: req.family,
    };
    if (tls) {
      options.rejectUnauthorized = req.insecure !== true;
      // Built beforehand so that the connect phase does not include building it.
      options.secureContext = secureContext(req.ca);
    }
    try {
      request = (tls ? https : http).request(options);
    } catch (err) {
      // Invalid method or header value: the test's fault, found before anything was sent.
      return finish(
        (err as { code?: string }).code?.startsWith('ERR_INVALID') ? probeErrors.badSpec : errorCode(err),
      );
    }
    request.once('socket', (socket) => {
      socket.once('connect', () => {
        x.connected = performance.now();
      });
      if (tls)
        socket.once('secureConnect', () => {
          x.secured = performance.now();
          const s = socket as TLSSocket;
          x.tlsVersion = s.getProtocol() ?? '';
          const validTo = s.getPeerCertificate().valid_to;
          if (validTo !== undefined) x.certExpiry = Date.parse(validTo);
        });
    });
    request.on('error', (err) => finish(classify(err, x, tls)));
    request.once('response', (res) => {
      x.firstByte = performance.now();
      x.status = res.statusCode ?? 0;
      const kept: Buffer[] = [];
      let keptBytes = 0;
      res.on('data', (chunk: Buffer) => {
        x.sizeBytes += chunk.length;
        if (keptBytes < bodyMatchLimit) {
          const part =
            chunk.length <= bodyMatchLimit - keptBytes
              ? chunk
              : chunk.subarray(0, bodyMatchLimit - keptBytes);
          kept.push(part);
          keptBytes += part.length;
        }
      });
      res.once('end', () => {
        x.lastByte = performance.now();
        x.body = Buffer.concat(kept, keptBytes);
        finish('');
      });
      res.on('error', (err) => finish(classify(err, x, tls)));
    });
    request.end();
  });
}

/**
 * Any failure between connected and secured (a reset, EPROTO from a peer that does not speak TLS)
 * is a TLS failure as a user sees it: no session was set up.
 */
function classify(err: unknown, x: Exchange, tls: boolean): string {
  const code = errorCode(err);
  if (tls && !Number.isNaN(x.connected) && Number.isNaN(x.secured)) return probeErrors.tlsFailed;
  return code;
}

/**
 * A fresh agent without keep-alive (so no socket and no TLS session is reused between runs) that
 * notes when it starts connecting: just before the connect(2), after the request is built.
 */
function timedAgent(tls: boolean, connecting: () => void): http.Agent {
  const agent = tls
    ? new https.Agent({ keepAlive: false, maxCachedSessions: 0 })
    : new http.Agent({ keepAlive: false });
  const create = agent.createConnection.bind(agent) as typeof agent.createConnection;
  agent.createConnection = (opts, cb) => {
    connecting();
    return create(opts, cb);
  };
  return agent;
}

const contexts = new Map<string, SecureContext>();

/** One TLS context per CA (the system's roots when none), kept: building one costs milliseconds. */
function secureContext(ca: string | undefined): SecureContext {
  const key = ca ?? '';
  let ctx = contexts.get(key);
  if (ctx === undefined) {
    if (contexts.size >= 64) contexts.clear();
    ctx = createSecureContext(ca === undefined ? {} : { ca });
    contexts.set(key, ctx);
  }
  return ctx;
}

function bareHostname(url: URL): string {
  const h = url.hostname;
  return h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
}
