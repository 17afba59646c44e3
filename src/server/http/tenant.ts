import type { Principal } from '../auth/users.js';
import { HttpError, type HttpRequest } from './respond.js';

const tenantPattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** The principal of an authenticated route; a route wired without authentication is a bug (500). */
export function principalOf(req: HttpRequest): Principal {
  if (req.principal === undefined) throw new Error(`${req.url.pathname}: route is not authenticated`);
  return req.principal;
}

/**
 * The tenant a flows request reads or writes: the authenticated user's. `?tenant=T` may name it
 * (scripts written for the earlier, unauthenticated API keep working); naming another tenant is
 * refused with 403 forbidden_tenant.
 */
export function requestTenant(req: HttpRequest): string {
  const principal = principalOf(req);
  const asked = req.url.searchParams.get('tenant');
  if (asked === null) return principal.tenant;
  if (!tenantPattern.test(asked))
    throw new HttpError(
      400,
      'bad_tenant',
      `tenant ${JSON.stringify(asked)}: expected 1-64 letters, digits, '.', '_' or '-'`,
    );
  if (asked !== principal.tenant)
    throw new HttpError(
      403,
      'forbidden_tenant',
      `user "${principal.user}" belongs to tenant "${principal.tenant}", not "${asked}"; leave out ?tenant= or log in as a user of "${asked}"`,
    );
  return asked;
}
