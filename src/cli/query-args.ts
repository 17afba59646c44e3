import { parseArgs } from 'node:util';

export type OutputFormat = 'table' | 'json' | 'csv';

/** Where `flowlens query` sends its statement, and as whom. */
export type QueryTarget =
  | {
      readonly kind: 'server';
      readonly url: string;
      /** An Authorization header value: Basic or Bearer. */
      readonly authorization: string;
    }
  | { readonly kind: 'data'; readonly dir: string; readonly tenant: string; readonly user: string };

export interface QueryArgs {
  readonly help: boolean;
  readonly sql: string | undefined;
  readonly params: readonly string[];
  readonly format: OutputFormat;
  readonly target: QueryTarget;
}

export class UsageError extends Error {}

export const defaultServerUrl = 'http://127.0.0.1:8080';

/**
 * Parses `flowlens query` arguments. Credentials: --token (or FLOWLENS_TOKEN) as a bearer token,
 * else --user (FLOWLENS_USER) and --password (FLOWLENS_PASSWORD), defaulting to the built-in
 * flowlens / flowlens of a single-machine setup.
 */
export function parseQueryArgs(args: string[], env: NodeJS.ProcessEnv): QueryArgs {
  let values: ReturnType<typeof parse>['values'];
  let positionals: string[];
  try {
    ({ values, positionals } = parse(args));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (positionals.length > 1)
    throw new UsageError(`one SQL statement, quoted as one argument (got ${positionals.length} arguments)`);
  const format = values.format ?? 'table';
  if (format !== 'table' && format !== 'json' && format !== 'csv')
    throw new UsageError(`--format: expected table, json or csv, got ${JSON.stringify(format)}`);
  const remote = values.server !== undefined || values.user !== undefined || values.token !== undefined;
  let target: QueryTarget;
  if (values.data !== undefined) {
    if (remote || values.password !== undefined)
      throw new UsageError(
        '--data queries a data directory directly: --server, --user, --password, --token do not apply',
      );
    target = {
      kind: 'data',
      dir: values.data,
      tenant: values.tenant ?? 'default',
      user: env.USER ?? 'flowlens',
    };
  } else {
    if (values.tenant !== undefined)
      throw new UsageError("--tenant applies to --data only: through a server, the user's tenant is used");
    const url = (values.server ?? env.FLOWLENS_SERVER ?? defaultServerUrl).replace(/\/+$/, '');
    if (!/^https?:\/\/[^/]+$/.test(url))
      throw new UsageError(`--server: expected http://host:port, got ${url}`);
    target = { kind: 'server', url, authorization: authorization(values, env) };
  }
  return { help: values.help === true, sql: positionals[0], params: values.param ?? [], format, target };
}

function authorization(
  values: { user?: string; password?: string; token?: string },
  env: NodeJS.ProcessEnv,
): string {
  const token = values.token ?? env.FLOWLENS_TOKEN;
  if (token !== undefined && values.user === undefined && values.password === undefined)
    return `Bearer ${token}`;
  if (values.token !== undefined) throw new UsageError('--token and --user/--password: give one of them');
  const user = values.user ?? env.FLOWLENS_USER ?? 'flowlens';
  const password = values.password ?? env.FLOWLENS_PASSWORD ?? 'flowlens';
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      format: { type: 'string', short: 'F' },
      server: { type: 'string', short: 's' },
      user: { type: 'string', short: 'U' },
      password: { type: 'string' },
      token: { type: 'string' },
      data: { type: 'string', short: 'd' },
      tenant: { type: 'string' },
      param: { type: 'string', multiple: true, short: 'p' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export const queryUsage = `Usage: flowlens query [options] "SQL"

Runs one SQL statement (PostgreSQL dialect) and prints its result: through a running server's
REST API (the default), or directly against a data directory with --data. Without "SQL", the
statement is read from standard input.

Options:
  -F, --format FORMAT   table (psql's aligned format; the default), json or csv
  -p, --param VALUE     the value of $1, then $2, … (repeat the option)
  -s, --server URL      the server's HTTP API (default $FLOWLENS_SERVER or ${defaultServerUrl})
  -U, --user NAME       user name (default $FLOWLENS_USER or flowlens)
      --password P      password (default $FLOWLENS_PASSWORD or flowlens); prefer the variable:
                        arguments are visible to other users in ps
      --token T         a bearer token instead of user and password (default $FLOWLENS_TOKEN)
  -d, --data DIR        query the data directory DIR directly, without a server; refused while a
                        server uses DIR (query through it instead)
      --tenant T        with --data: the tenant to read (default: default)
  -h, --help            this help

Errors are printed as psql prints them (ERROR:  SQLSTATE: message, the position, any hint), with
exit status 1; a server that cannot be reached or bad arguments exit with status 2.

Examples:
  flowlens query "SELECT * FROM devices"
  flowlens query --format csv "SELECT src_addr, sum(in_bytes) FROM all_devices GROUP BY 1" > top.csv
  flowlens query -p 10.0.0.0/8 "SELECT count(*) FROM all_devices WHERE src_addr << \\$1::cidr"
  flowlens query --data ./data "SELECT count(*) FROM all_devices"
`;
