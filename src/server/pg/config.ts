/** How the PostgreSQL wire server listens, authenticates and bounds its clients. */
export interface PgServerConfig {
  /** Address to bind: loopback by default. */
  host: string;
  /** TCP port; 0 asks the OS for a free one (tests). */
  port: number;
  /** PEM certificate and key (the text, not paths): when both are set, SSLRequest gets TLS. */
  tlsCert: string | undefined;
  tlsKey: string | undefined;
  /** SCRAM-SHA-256 (what libpq and drivers use by default), or the cleartext password exchange. */
  auth: 'scram-sha-256' | 'password';
  /** The one database name clients may connect to (current_database()). */
  database: string;
  /** Longest message a client may send (PostgreSQL allows 1 GB; nothing we parse needs that). */
  maxMessageBytes: number;
  /** Longest startup packet (PostgreSQL's own limit is 10000 bytes). */
  maxStartupBytes: number;
  /** Connections served at once; more get FATAL 53300. */
  maxConnections: number;
  /** Time a client has to finish startup and authentication. */
  authTimeoutMs: number;
  /** What clients see as server_version (they parse its major version). */
  serverVersion: string;
  /** PBKDF2 iterations of SCRAM-SHA-256 (PostgreSQL's default). */
  scramIterations: number;
}

export const defaultPgServerConfig: PgServerConfig = {
  host: '127.0.0.1',
  port: 5433,
  tlsCert: undefined,
  tlsKey: undefined,
  auth: 'scram-sha-256',
  database: 'flowlens',
  maxMessageBytes: 16 << 20,
  maxStartupBytes: 10_000,
  maxConnections: 100,
  authTimeoutMs: 60_000,
  serverVersion: '15.0',
  scramIterations: 4096,
};
