import type { ServerConfig } from './config.js';

const builtIn = { name: 'flowlens', password: 'flowlens' };

/** A host clients on this machine can reach a listener bound to `listen` at. */
function reachable(listen: string): string {
  return listen === '0.0.0.0' || listen === '::' ? '127.0.0.1' : listen;
}

/**
 * The start-up lines that tell a user how to connect: psql, curl and `flowlens query`, as the
 * first configured user. The password is printed only while it is the built-in default (which is
 * no secret, and should be changed for anything but a single-user machine).
 */
export function connectionHints(
  config: Pick<ServerConfig, 'users' | 'pgPort' | 'pgListen' | 'httpPort' | 'httpListen'>,
): string[] {
  const user = config.users[0];
  if (user === undefined) return ['no users configured: psql and the REST API accept nobody (set "users")'];
  const isDefault = user.name === builtIn.name && user.password === builtIn.password;
  const password = isDefault ? user.password : '<password from the config>';
  const lines: string[] = [];
  if (config.pgPort !== 0)
    lines.push(`psql: psql -h ${reachable(config.pgListen)} -p ${config.pgPort} -U ${user.name} flowlens`);
  if (config.httpPort !== 0) {
    const host = reachable(config.httpListen);
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${config.httpPort}`;
    lines.push(
      `REST: curl -u ${user.name}:${password} ${url}/api/v1/query -d '{"sql": "SELECT * FROM devices"}'`,
      `CLI:  flowlens query --server ${url}${isDefault ? '' : ` --user ${user.name}`} "SELECT * FROM devices"`,
    );
  }
  lines.push(
    isDefault
      ? `user "${user.name}", password "${user.password}" (the built-in default: set "users" in the config file to change it)`
      : `user "${user.name}" (tenant ${user.tenant}); passwords as configured`,
  );
  return lines;
}
