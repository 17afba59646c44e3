import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The server side of SCRAM-SHA-256 (RFC 5802, RFC 7677) as PostgreSQL speaks it: no channel
 * binding, the user name taken from the startup packet (the client's n= is ignored, as libpq
 * sends it empty).
 */

export interface ScramKeys {
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

export async function scramKeys(password: string, salt: Buffer, iterations: number): Promise<ScramKeys> {
  const salted = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(password.normalize('NFKC'), salt, iterations, 32, 'sha256', (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
  const clientKey = hmac(salted, 'Client Key');
  return {
    salt,
    iterations,
    storedKey: createHash('sha256').update(clientKey).digest(),
    serverKey: hmac(salted, 'Server Key'),
  };
}

export class ScramError extends Error {}

export interface ClientFirst {
  /** The gs2 header as sent ('n,,' or 'y,,'), echoed base64 in the client-final c= attribute. */
  readonly gs2Header: string;
  readonly bare: string;
  readonly nonce: string;
}

export function parseClientFirst(message: string): ClientFirst {
  const m = /^([ny]),(a=[^,]*)?,(.*)$/.exec(message);
  if (m === null) {
    if (message.startsWith('p='))
      throw new ScramError('channel binding was requested, but the server did not offer SCRAM-SHA-256-PLUS');
    throw new ScramError('malformed SCRAM client-first-message');
  }
  const bare = m[3]!;
  const nonce = attribute(bare, 'r');
  if (nonce === undefined || nonce === '') throw new ScramError('SCRAM client-first-message has no nonce');
  return { gs2Header: `${m[1]},${m[2] ?? ''},`, bare, nonce };
}

export interface ServerFirst {
  readonly message: string;
  readonly nonce: string;
}

export function serverFirst(client: ClientFirst, keys: ScramKeys): ServerFirst {
  const nonce = client.nonce + randomBytes(18).toString('base64');
  return { message: `r=${nonce},s=${keys.salt.toString('base64')},i=${keys.iterations}`, nonce };
}

/**
 * Checks the client's proof; returns the server-final-message ('v=…') when it is right, undefined
 * when the password is wrong. A malformed message throws ScramError.
 */
export function verifyClientFinal(
  message: string,
  client: ClientFirst,
  server: ServerFirst,
  keys: ScramKeys,
): string | undefined {
  const proofAt = message.lastIndexOf(',p=');
  if (proofAt < 0) throw new ScramError('SCRAM client-final-message has no proof');
  const withoutProof = message.slice(0, proofAt);
  const binding = attribute(withoutProof, 'c');
  if (binding !== Buffer.from(client.gs2Header).toString('base64'))
    throw new ScramError('SCRAM channel binding check failed');
  if (attribute(withoutProof, 'r') !== server.nonce) throw new ScramError('SCRAM nonce mismatch');
  const proof = Buffer.from(message.slice(proofAt + 3), 'base64');
  if (proof.length !== 32) throw new ScramError('malformed SCRAM proof');
  const authMessage = `${client.bare},${server.message},${withoutProof}`;
  const signature = hmac(keys.storedKey, authMessage);
  const clientKey = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) clientKey[i] = proof[i]! ^ signature[i]!;
  const stored = createHash('sha256').update(clientKey).digest();
  if (!timingSafeEqual(stored, keys.storedKey)) return undefined;
  return `v=${hmac(keys.serverKey, authMessage).toString('base64')}`;
}

function attribute(message: string, name: string): string | undefined {
  for (const part of message.split(',')) if (part.startsWith(`${name}=`)) return part.slice(2);
  return undefined;
}

function hmac(key: Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}
