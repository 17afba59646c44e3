import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';

/**
 * A ClickHouse server (Debian's clickhouse-server, 18.16) run by a benchmark as a plain child
 * process on loopback, with its own config, users and data directory under `dir`. 18.16 ignores
 * --pid-file, so the process is tracked by the PID of the child and stopped by that PID.
 */
export type Compression = 'lz4' | 'zstd';

export interface ClickHouse {
  readonly dir: string;
  readonly httpPort: number;
  readonly pid: number;
  /** Runs one statement over HTTP; `body` is sent after the query (e.g. insert data). */
  query(sql: string, body?: Buffer): Promise<string>;
  /** Starts a streaming POST of `sql` (an INSERT … FORMAT …) whose body is written in chunks. */
  insert(sql: string): InsertStream;
  /** Stops the server by PID (SIGTERM, then SIGKILL after 30 s). */
  stop(): Promise<void>;
}

export interface InsertStream {
  /** Resolves once the chunk is handed to the kernel (then it may be reused). */
  write(chunk: Uint8Array): Promise<void>;
  /** Ends the body; resolves with the server's answer once the insert is done. */
  end(): Promise<string>;
}

/** The server binary: on PATH, or where Debian puts it (/usr/sbin is not on every user's PATH). */
export function clickhouseBinary(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/bin'];
  return dirs.map((d) => join(d, 'clickhouse-server')).find((p) => existsSync(p));
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function configXml(dir: string, http: number, tcp: number, interserver: number, compression: Compression) {
  // ZSTD only when asked: ClickHouse's default is LZ4 for every part.
  const zstd =
    compression === 'zstd'
      ? '<compression><case><min_part_size>0</min_part_size><min_part_size_ratio>0</min_part_size_ratio><method>zstd</method></case></compression>'
      : '';
  return `<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>${dir}/log/server.log</log><errorlog>${dir}/log/server.err.log</errorlog><size>100M</size><count>2</count></logger>
  <http_port>${http}</http_port>
  <tcp_port>${tcp}</tcp_port>
  <interserver_http_port>${interserver}</interserver_http_port>
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <listen_host>127.0.0.1</listen_host>
  <max_connections>64</max_connections>
  <keep_alive_timeout>30</keep_alive_timeout>
  <max_concurrent_queries>16</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>${dir}/data/</path>
  <tmp_path>${dir}/tmp/</tmp_path>
  <user_files_path>${dir}/user_files/</user_files_path>
  <format_schema_path>${dir}/format_schemas/</format_schema_path>
  <users_config>${dir}/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  ${zstd}
</yandex>
`;
}

const usersXml = `<?xml version="1.0"?>
<yandex>
  <profiles><default><max_memory_usage>8000000000</max_memory_usage><use_uncompressed_cache>0</use_uncompressed_cache></default></profiles>
  <users><default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default></users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
`;

/** Starts a server with its data in `dir` (kept across restarts); resolves once /ping answers. */
export async function startClickHouse(dir: string, compression: Compression = 'lz4'): Promise<ClickHouse> {
  for (const sub of ['data', 'tmp', 'user_files', 'format_schemas', 'log'])
    mkdirSync(join(dir, sub), { recursive: true });
  const [httpPort, tcpPort, interserver] = [await freePort(), await freePort(), await freePort()];
  writeFileSync(join(dir, 'config.xml'), configXml(dir, httpPort, tcpPort, interserver, compression));
  writeFileSync(join(dir, 'users.xml'), usersXml);
  const out = openSync(join(dir, 'log', 'stdout.log'), 'a');
  const binary = clickhouseBinary();
  if (binary === undefined)
    throw new Error('clickhouse-server not found: install the Debian package clickhouse-server');
  const child = spawn(binary, [`--config-file=${join(dir, 'config.xml')}`], {
    cwd: dir,
    stdio: ['ignore', out, out],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const query = (sql: string, body?: Buffer) => request(agent, httpPort, sql, body);
  await waitReady(child, query, dir);
  return {
    dir,
    httpPort,
    pid: child.pid!,
    query,
    insert: (sql) => insertStream(agent, httpPort, sql),
    async stop() {
      process.removeListener('exit', killOnExit);
      agent.destroy();
      if (child.exitCode !== null || child.signalCode !== null) return;
      process.kill(child.pid!, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(child.pid!, 'SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

async function waitReady(child: ChildProcess, query: (sql: string) => Promise<string>, dir: string) {
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) break;
    try {
      if ((await query('SELECT 1')).trim() === '1') return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGKILL');
  let log = '';
  try {
    log = readFileSync(join(dir, 'log', 'server.err.log'), 'utf8').slice(-2000);
  } catch {
    // no log written
  }
  throw new Error(
    `clickhouse-server did not start (is the Debian package clickhouse-server installed?)\n${log}`,
  );
}

function post(agent: http.Agent, port: number, sql: string) {
  const path = `/?query=${encodeURIComponent(sql)}`;
  const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', agent });
  const answer = new Promise<string>((resolve, reject) => {
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === 200) resolve(text);
        else reject(new Error(`ClickHouse HTTP ${res.statusCode}: ${text.slice(0, 500)}`));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
  return { req, answer };
}

function request(agent: http.Agent, port: number, sql: string, body?: Buffer): Promise<string> {
  const { req, answer } = post(agent, port, sql);
  req.end(body);
  return answer;
}

function insertStream(agent: http.Agent, port: number, sql: string): InsertStream {
  const { req, answer } = post(agent, port, sql);
  // An early error answer must not go unhandled while chunks are still being written.
  answer.catch(() => undefined);
  return {
    write: (chunk) =>
      new Promise<void>((resolve, reject) => {
        req.write(chunk, (err) => (err ? reject(err) : resolve()));
      }),
    end() {
      req.end();
      return answer;
    },
  };
}
