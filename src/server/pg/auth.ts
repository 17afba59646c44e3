import { createHmac, randomBytes } from 'node:crypto';
import type { Principal, Users } from '../auth/users.js';
import { Auth, authentication } from './backend-messages.js';
import { ProtocolError } from './frame-reader.js';
import { decodeMessage } from './frontend-messages.js';
import {
  type ClientFirst,
  parseClientFirst,
  type ScramError,
  type ScramKeys,
  scramKeys,
  serverFirst,
  verifyClientFinal,
} from './scram.js';
import type { WireSocket } from './wire-socket.js';

/**
 * SCRAM keys per user, derived once per server lifetime with a random salt (PostgreSQL keeps the
 * same in pg_authid). Unknown users get keys from a salt derived from a server secret, so the
 * exchange looks the same until the proof fails and does not reveal which names exist.
 */
export class ScramKeyCache {
  private readonly keys = new Map<string, { password: string; keys: Promise<ScramKeys> }>();
  private readonly secret = randomBytes(32);

  constructor(private readonly iterations: number) {}

  get(user: string, password: string | undefined): Promise<ScramKeys> {
    if (password === undefined) {
      const salt = createHmac('sha256', this.secret).update(user).digest().subarray(0, 16);
      return scramKeys(randomBytes(24).toString('base64'), salt, this.iterations);
    }
    const cached = this.keys.get(user);
    if (cached !== undefined && cached.password === password) return cached.keys;
    const keys = scramKeys(password, randomBytes(16), this.iterations);
    this.keys.set(user, { password, keys });
    return keys;
  }
}

export type AuthOutcome = { ok: true; principal: Principal } | { ok: false; reason: string };

const failed = (user: string): AuthOutcome => ({
  ok: false,
  reason: `password authentication failed for user "${user}"`,
});

/** Runs the password exchange; the caller reports a failure (28P01) and closes. */
export async function authenticate(
  ws: WireSocket,
  user: string,
  users: Users,
  method: 'scram-sha-256' | 'password',
  cache: ScramKeyCache,
): Promise<AuthOutcome | null> {
  if (method === 'password') {
    authentication(ws.writer, Auth.cleartext);
    ws.writer.flush();
    const data = await passwordMessage(ws);
    if (data === null) return null;
    const nul = data.indexOf(0);
    const principal = users.checkPassword(user, data.toString('utf8', 0, nul < 0 ? data.length : nul));
    return principal === undefined ? failed(user) : { ok: true, principal };
  }
  authentication(ws.writer, Auth.sasl, Buffer.from('SCRAM-SHA-256\0\0'));
  ws.writer.flush();
  const initial = await passwordMessage(ws);
  if (initial === null) return null;
  const nul = initial.indexOf(0);
  const mechanism = initial.toString('utf8', 0, nul);
  if (nul < 0 || mechanism !== 'SCRAM-SHA-256' || initial.length < nul + 5)
    throw new ProtocolError(`client selected an invalid SASL authentication mechanism "${mechanism}"`, true);
  const length = initial.readInt32BE(nul + 1);
  const first = initial.toString('utf8', nul + 5, nul + 5 + Math.max(0, length));
  let clientFirst: ClientFirst;
  try {
    clientFirst = parseClientFirst(first);
  } catch (err) {
    throw new ProtocolError((err as ScramError).message, true);
  }
  const configured = users.user(user);
  const keys = await cache.get(user, configured?.password);
  const server = serverFirst(clientFirst, keys);
  authentication(ws.writer, Auth.saslContinue, server.message);
  ws.writer.flush();
  const final = await passwordMessage(ws);
  if (final === null) return null;
  let verdict: string | undefined;
  try {
    verdict = verifyClientFinal(final.toString('utf8'), clientFirst, server, keys);
  } catch (err) {
    throw new ProtocolError((err as ScramError).message, true);
  }
  if (verdict === undefined || configured === undefined) return failed(user);
  authentication(ws.writer, Auth.saslFinal, verdict);
  return { ok: true, principal: { user: configured.name, tenant: configured.tenant } };
}

async function passwordMessage(ws: WireSocket): Promise<Buffer | null> {
  const frame = await ws.nextFrame(false);
  if (frame === null) return null;
  const msg = decodeMessage(frame);
  if (msg.kind !== 'password')
    throw new ProtocolError(
      `expected a password response, got message type ${String.fromCharCode(frame.type)}`,
      true,
    );
  return msg.data;
}
