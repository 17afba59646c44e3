import { createHash, timingSafeEqual } from 'node:crypto';
import type { TokenConfig, UserConfig } from '../config.js';

/** An authenticated user and the tenant whose data it reads. */
export interface Principal {
  readonly user: string;
  readonly tenant: string;
}

/**
 * The users and bearer tokens of the config, shared by every frontend (PostgreSQL wire server,
 * REST, portal). Comparisons run in constant time over SHA-256 digests, so neither the length nor
 * a prefix of a secret leaks through timing.
 */
export class Users {
  private readonly byName: Map<string, UserConfig>;
  private readonly byToken: Map<string, Principal>;

  constructor(users: readonly UserConfig[], tokens: readonly TokenConfig[] = []) {
    this.byName = new Map(users.map((u) => [u.name, u]));
    this.byToken = new Map();
    for (const t of tokens) {
      const user = this.byName.get(t.user);
      if (user === undefined) throw new Error(`token for unknown user "${t.user}"`);
      this.byToken.set(digest(t.token).toString('hex'), { user: user.name, tenant: user.tenant });
    }
  }

  /** The configured user, for protocols that need the secret itself (SCRAM, MD5). */
  user(name: string): UserConfig | undefined {
    return this.byName.get(name);
  }

  checkPassword(name: string, password: string): Principal | undefined {
    const user = this.byName.get(name);
    // Compare against something even for unknown users, so that timing does not reveal them.
    const ok = timingSafeEqual(digest(password), digest(user?.password ?? '\0unknown-user'));
    return ok && user !== undefined ? { user: user.name, tenant: user.tenant } : undefined;
  }

  checkToken(token: string): Principal | undefined {
    return this.byToken.get(digest(token).toString('hex'));
  }

  /** May the user use the debug endpoints (profiles, fail points) from another host than loopback. */
  isAdmin(name: string): boolean {
    return this.byName.get(name)?.admin === true;
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}
