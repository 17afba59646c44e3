import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { flowKey } from './app-decode.js';
import { requirePeer } from './peers.js';

const run = promisify(execFile);
const SEP = '\x1f';

/** One HTTP request as tshark decodes it. */
export interface OracleRequest {
  readonly method: string;
  readonly host: string;
  readonly url: string;
  readonly userAgent: string;
  readonly referer: string;
}

export interface OracleHttpFlow {
  readonly requests: OracleRequest[];
  /** Final response statuses in order (1xx other than 101 left out, as the decoder does). */
  readonly statuses: number[];
}

export interface OracleTlsFlow {
  /** The ClientHello's server name ('' without one); undefined when tshark saw no ClientHello. */
  serverName: string | undefined;
  /** The first ServerHello's: supported_versions' selection when present, else its version. */
  version: number | undefined;
  cipher: number | undefined;
}

const addressFields = ['ip.src', 'ipv6.src', 'tcp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport'];

/** tshark's fields per frame (every occurrence, joined by SEP), after a display filter. */
async function tsharkRows(
  file: string,
  filter: string,
  fields: string[],
  decodeAs: string[],
): Promise<string[][]> {
  const args = [
    '-r',
    file,
    '-n',
    '-Y',
    filter,
    '-T',
    'fields',
    '-E',
    'occurrence=a',
    '-E',
    `aggregator=${SEP}`,
  ];
  for (const d of decodeAs) args.push('-d', d);
  for (const f of [...addressFields, ...fields]) args.push('-e', f);
  // tshark exits 2 on a capture file cut short, after printing the packets before the cut.
  const { stdout } = await run(requirePeer('tshark'), args, { encoding: 'utf8', maxBuffer: 256 << 20 }).catch(
    (err: { code?: number; stdout?: string; stderr?: string }) => {
      if (err.code === 2 && typeof err.stdout === 'string' && /cut short/.test(err.stderr ?? ''))
        return { stdout: err.stdout };
      throw err;
    },
  );
  return stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split('\t'));
}

function rowKey(v: string[]): string {
  return flowKey(v[0] || v[1]!, Number(v[2]), v[3] || v[4]!, Number(v[5]));
}

function list(field: string | undefined): string[] {
  return field === undefined || field === '' ? [] : field.split(SEP);
}

/**
 * The HTTP/1.x messages tshark finds, per flow in frame order. HTTP that tshark decrypted from
 * TLS (a capture with its keys) is left out: the decoder sees only ciphertext there; so is HTTP
 * inside L2TP, a tunnel src/capture does not open.
 * `httpPorts`: ports tshark should decode as HTTP (a test server's).
 */
export async function tsharkHttp(
  file: string,
  httpPorts: number[] = [],
): Promise<Map<string, OracleHttpFlow>> {
  const rows = await tsharkRows(
    file,
    'http && !tls && !l2tp',
    [
      'http.request.method',
      'http.host',
      'http.request.uri',
      'http.response.code',
      'http.user_agent',
      'http.referer',
    ],
    httpPorts.map((p) => `tcp.port==${p},http`),
  );
  const flows = new Map<string, OracleHttpFlow>();
  for (const v of rows) {
    const key = rowKey(v);
    let flow = flows.get(key);
    if (flow === undefined) {
      flow = { requests: [], statuses: [] };
      flows.set(key, flow);
    }
    const methods = list(v[6]);
    const columns = [list(v[7]), list(v[8]), list(v[10]), list(v[11])];
    for (const c of columns)
      if (methods.length > 1 && c.length !== 0 && c.length !== methods.length)
        throw new Error(
          `${file}: a frame with ${methods.length} requests whose headers cannot be told apart`,
        );
    methods.forEach((method, i) => {
      flow.requests.push({
        method,
        host: columns[0]![i] ?? '',
        url: columns[1]![i] ?? '',
        userAgent: columns[2]![i] ?? '',
        referer: columns[3]![i] ?? '',
      });
    });
    for (const s of list(v[9]).map(Number)) if (s >= 200 || s === 101) flow.statuses.push(s);
  }
  return flows;
}

/** The ClientHello and first ServerHello tshark finds, per flow. `tlsPorts`: ports to decode as TLS. */
export async function tsharkTls(file: string, tlsPorts: number[] = []): Promise<Map<string, OracleTlsFlow>> {
  const rows = await tsharkRows(
    file,
    'tls.handshake.type == 1 || tls.handshake.type == 2',
    [
      'tls.handshake.type',
      'tls.handshake.extensions_server_name',
      'tls.handshake.version',
      'tls.handshake.extensions.supported_version',
      'tls.handshake.ciphersuite',
    ],
    tlsPorts.map((p) => `tcp.port==${p},tls`),
  );
  const flows = new Map<string, OracleTlsFlow>();
  for (const v of rows) {
    const key = rowKey(v);
    let flow = flows.get(key);
    if (flow === undefined) {
      flow = { serverName: undefined, version: undefined, cipher: undefined };
      flows.set(key, flow);
    }
    const types = list(v[6]);
    if (types.includes('1') && flow.serverName === undefined) flow.serverName = list(v[7])[0] ?? '';
    if (types.includes('2') && flow.version === undefined) {
      const selected = list(v[9])[0];
      flow.version = Number(selected ?? list(v[8])[0]);
      flow.cipher = Number(list(v[10])[0]);
    }
  }
  return flows;
}
