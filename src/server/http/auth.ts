import type { Principal, Users } from '../auth/users.js';
import { HttpError } from './respond.js';

/** Sent with every 401, so browsers and curl know to offer Basic credentials. */
export const wwwAuthenticate = 'Basic realm="flowlens", charset="UTF-8"';

const unauthorized = (code: '28000' | '28P01', message: string) =>
  new HttpError(401, code, message, {}, { 'www-authenticate': wwwAuthenticate });

/**
 * The user an HTTP request acts as: `Authorization: Basic base64(user:password)` checked against
 * the configured users, or `Authorization: Bearer <token>` against the configured tokens. Codes
 * are PostgreSQL's: 28000 when credentials are missing or malformed, 28P01 when they are wrong.
 */
export function authenticate(authorization: string | undefined, users: Users): Principal {
  if (authorization === undefined || authorization.trim() === '')
    throw unauthorized(
      '28000',
      'authentication required: send HTTP Basic credentials (curl -u user:password) or Authorization: Bearer <token>',
    );
  const space = authorization.indexOf(' ');
  const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
  const credentials = space < 0 ? '' : authorization.slice(space + 1).trim();
  if (scheme === 'bearer') {
    const principal = users.checkToken(credentials);
    if (principal === undefined) throw unauthorized('28P01', 'the bearer token is not valid');
    return principal;
  }
  if (scheme !== 'basic')
    throw unauthorized('28000', `unsupported authorization scheme "${scheme}": use Basic or Bearer`);
  const decoded = Buffer.from(credentials, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (credentials === '' || colon < 0)
    throw unauthorized('28000', 'malformed Basic credentials: expected base64 of user:password');
  const user = decoded.slice(0, colon);
  const principal = users.checkPassword(user, decoded.slice(colon + 1));
  // The same answer for an unknown user and a wrong password, as PostgreSQL gives.
  if (principal === undefined)
    throw unauthorized('28P01', `password authentication failed for user "${user}"`);
  return principal;
}
