import type { IncomingHttpHeaders } from 'node:http';
import { isIPv4 } from 'node:net';
import type { Principal, Users } from '../auth/users.js';
import { authenticate } from './auth.js';
import { HttpError } from './respond.js';

/** Who may use the debug endpoints: a loopback client, or an admin user. */
export type AdminGrant =
  | { readonly via: 'loopback' }
  | { readonly via: 'admin'; readonly principal: Principal };

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (::ffff:127.0.0.1). */
export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.toLowerCase().startsWith('::ffff:') ? address.slice(7) : address;
  if (isIPv4(v4)) return v4.startsWith('127.');
  return address === '::1';
}

/**
 * A process on this machine: a loopback peer, unless the request came through a proxy
 * (X-Forwarded-For or Forwarded), whose loopback address says nothing about the client.
 */
export function isLocalClient(remoteAddress: string | undefined, headers: IncomingHttpHeaders): boolean {
  const proxied = headers['x-forwarded-for'] !== undefined || headers.forwarded !== undefined;
  return isLoopback(remoteAddress) && !proxied;
}

/**
 * The debug endpoints (profiles, fail points) are served to a client on loopback without
 * credentials — a process on this machine — and otherwise only to a user with `"admin": true`
 * (HTTP Basic or a Bearer token, as every route). A request that carries X-Forwarded-For or
 * Forwarded came through a proxy, so its loopback address says nothing about the client: it
 * needs an admin too. 401 without valid credentials, 403 for a user who is not an admin.
 */
export function authorizeAdmin(
  remoteAddress: string | undefined,
  headers: IncomingHttpHeaders,
  users: Users,
): AdminGrant {
  if (isLocalClient(remoteAddress, headers)) return { via: 'loopback' };
  const principal = authenticate(headers.authorization, users);
  if (!users.isAdmin(principal.user))
    throw new HttpError(
      403,
      'admin_required',
      `user "${principal.user}" is not an admin: the debug endpoints need a user with "admin": true in the config, or a connection from this machine`,
    );
  return { via: 'admin', principal };
}
