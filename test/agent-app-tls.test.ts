import assert from 'node:assert/strict';
import { describe, type TestContext, test } from 'node:test';
import { createTlsDecoder, type TlsDecoder } from '../src/agent/app/tls/decoder.js';
import { captureLoopback } from './helpers/app-capture.js';
import { decodeCapture, type TestDecoder, type TestFlow } from './helpers/app-decode.js';
import { type OracleTlsFlow, tsharkTls } from './helpers/app-tshark.js';
import { runPeer, startPeer, tempDir } from './helpers/peers.js';

const gopacket = '/usr/share/gocode/src/github.com/gopacket/gopacket';

/** What the decoder wrote for a flow, in the oracle's terms. */
function decoded(flow: TestFlow): OracleTlsFlow {
  const out: OracleTlsFlow = { serverName: undefined, version: undefined, cipher: undefined };
  for (const [column, value] of flow.sink.events) {
    if (column === 'tls_server_name') out.serverName = String(value);
    else if (column === 'tls_version') out.version = Number(value);
    else if (column === 'tls_cipher') out.cipher = Number(value);
  }
  // A ClientHello without server_name: tshark's row has an empty name, the decoder writes none.
  if (out.serverName === undefined && flow.sink.events.length > 0) out.serverName = '';
  return out;
}

async function assertMatchesTshark(file: string, ports: number[] = []): Promise<TlsDecoder> {
  const decoder = createTlsDecoder();
  const flows = await decodeCapture(file, [decoder as TestDecoder<unknown>]);
  const oracle = await tsharkTls(file, ports);
  const ours = new Map(
    [...flows].filter(([, f]) => f.sink.events.length > 0).map(([k, f]) => [k, decoded(f)]),
  );
  assert.ok(oracle.size > 0, `${file}: tshark finds TLS hellos`);
  assert.deepEqual([...ours.keys()].sort(), [...oracle.keys()].sort(), `${file}: the TLS flows`);
  for (const [key, flow] of oracle) assert.deepEqual(ours.get(key), flow, `${file}: flow ${key}`);
  return decoder;
}

function errorTotal(decoder: TlsDecoder): number {
  return Object.values(decoder.errors).reduce((a, b) => a + b, 0);
}

describe('TLS decoder against tshark on real captures', () => {
  for (const name of ['test300.pcapng', 'test301.pcapng']) {
    test(`gopacket ${name} (TLS 1.2 to port 443)`, async () => {
      const decoder = await assertMatchesTshark(`${gopacket}/pcapgo/tests/le/${name}`);
      assert.equal(errorTotal(decoder), 0, JSON.stringify(decoder.errors));
    });
  }
});

/** A self-signed certificate and key made by openssl for this test. */
async function certificate(t: TestContext, dir: string): Promise<{ cert: string; key: string }> {
  const cert = `${dir}/cert.pem`;
  const key = `${dir}/key.pem`;
  await runPeer(t, 'openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    '/CN=flowlens.test',
    '-days',
    '1',
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  return { cert, key };
}

/**
 * One handshake between openssl s_server and s_client on loopback (a port of the OS's choosing:
 * not a TLS port, so the decoder is picked by content). Resolves the server's port.
 */
async function handshake(
  t: TestContext,
  files: { cert: string; key: string },
  serverArgs: string[],
  clientArgs: string[],
): Promise<number> {
  const server = startPeer(t, 'openssl', [
    's_server',
    '-accept',
    '127.0.0.1:0',
    '-cert',
    files.cert,
    '-key',
    files.key,
    '-naccept',
    '1',
    '-www', // answers HTTP instead of relaying stdin, which startPeer closes (s_server would quit at its end)
    ...serverArgs,
  ]);
  await server.waitForOutput(/ACCEPT 127\.0\.0\.1:\d+/);
  const port = Number(/ACCEPT 127\.0\.0\.1:(\d+)/.exec(server.output())![1]);
  // s_client sends its hello, completes the handshake, and closes at the end of its (empty) input.
  await runPeer(t, 'openssl', ['s_client', '-connect', `127.0.0.1:${port}`, ...clientArgs]);
  await server.exited;
  return port;
}

describe('TLS decoder against tshark on openssl handshakes captured at test time', () => {
  const cases: { name: string; server: string[]; client: string[] }[] = [
    { name: 'TLS 1.2 with SNI', server: [], client: ['-tls1_2', '-servername', 'api.flowlens.test'] },
    { name: 'TLS 1.3 with SNI', server: [], client: ['-tls1_3', '-servername', 'www.flowlens.test'] },
    { name: 'TLS 1.3 without SNI', server: [], client: ['-tls1_3', '-noservername'] },
    {
      name: 'TLS 1.2 with a chosen cipher suite',
      server: [],
      client: ['-tls1_2', '-cipher', 'ECDHE-ECDSA-CHACHA20-POLY1305', '-servername', 'chacha.flowlens.test'],
    },
    {
      name: 'TLS 1.3 after a HelloRetryRequest',
      server: ['-groups', 'P-384'],
      client: ['-tls1_3', '-groups', 'X25519:P-384', '-servername', 'retry.flowlens.test'],
    },
  ];
  for (const c of cases) {
    test(c.name, async (t) => {
      const files = await certificate(t, tempDir(t));
      let port = 0;
      const file = await captureLoopback(t, 'tcp and host 127.0.0.1', async () => {
        port = await handshake(t, files, c.server, c.client);
      });
      const decoder = await assertMatchesTshark(file, [port]);
      assert.equal(errorTotal(decoder), 0, JSON.stringify(decoder.errors));
    });
  }
});
