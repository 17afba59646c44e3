import { type AppDecoder, type AppFieldSink, type AppPayload, Dir } from '../../contract.js';
import { defaultTlsDecoderConfig, type TlsDecoderConfig } from './config.js';
import { newTlsErrors, type TlsErrorReason } from './errors.js';
import { readClientHello, readServerHello } from './hello.js';
import { CONTENT_HANDSHAKE, feedRecords, type RecordRun } from './records.js';
import { Phase, type TlsSide, TlsState } from './state.js';

const CLIENT_HELLO = 1;
const SERVER_HELLO = 2;

/**
 * TLS over TCP: the server name (SNI) from the client's ClientHello, the negotiated version and
 * cipher suite from the server's ServerHello. Only the first handshake message of each direction
 * is read; after it the flow costs one comparison per packet. A HelloRetryRequest is read as the
 * ServerHello: it names the same version and cipher suite the real one must (RFC 8446 4.1.4).
 * The fields are emitted when found and again into each later record (after `exported`).
 */
export class TlsDecoder implements AppDecoder<TlsState>, RecordRun {
  readonly protocol = 'tls';
  readonly errors: Record<TlsErrorReason, number> = newTlsErrors();
  readonly maxHello: number;
  private readonly ports = new Uint8Array(65536);
  private state: TlsState = undefined as unknown as TlsState;
  private out: AppFieldSink = undefined as unknown as AppFieldSink;

  constructor(readonly config: TlsDecoderConfig = defaultTlsDecoderConfig) {
    this.maxHello = config.maxHello;
    for (const p of config.ports) this.ports[p] = 1;
  }

  matchesPorts(clientPort: number, serverPort: number, transport: 'tcp' | 'udp'): boolean {
    return transport === 'tcp' && (this.ports[serverPort] === 1 || this.ports[clientPort] === 1);
  }

  /** Content detection for other ports: the client's first payload starts a ClientHello record. */
  matchesContent(p: AppPayload): boolean {
    return p.transport === 'tcp' && p.dir === Dir.FromClient && startsClientHello(p.buf, p.start, p.end);
  }

  newState(): TlsState {
    return new TlsState();
  }

  /** The flow's record was exported: the fields found go into the next record too. */
  exported(state: TlsState): void {
    state.emitAgain = state.helloSeen;
  }

  /**
   * Returns false once both hellos are read (or given up on): the flow table then skips the flow's
   * payloads until its next record, whose first payload emits the fields again.
   */
  payload(state: TlsState, p: AppPayload, out: AppFieldSink): boolean {
    this.decode(state, p, out);
    return state.client.phase !== Phase.done || state.server.phase !== Phase.done;
  }

  private decode(state: TlsState, p: AppPayload, out: AppFieldSink): void {
    if (state.emitAgain) {
      state.emitAgain = false;
      emit(state, out, true, state.version !== 0);
    }
    if (p.transport !== 'tcp') return;
    const client = p.dir === Dir.FromClient;
    const side = client ? state.client : state.server;
    if (side.phase === Phase.done) return;
    const skip = side.cursor.accept(p.seq, p.wireLength);
    if (skip < 0) return;
    if (side.cursor.gap > 0) {
      this.fail(side, 'gap');
      return;
    }
    this.state = state;
    this.out = out;
    const captured = Math.min(p.end - p.start, p.wireLength);
    if (skip < captured)
      feedRecords(
        this,
        side,
        p.buf,
        p.start + skip,
        p.start + captured,
        client ? CLIENT_HELLO : SERVER_HELLO,
        client ? this.readClient : this.readServer,
      );
    if (side.phase !== Phase.done && captured < p.wireLength) this.fail(side, 'gap');
  }

  fail(side: TlsSide, reason: TlsErrorReason): void {
    this.errors[reason]++;
    side.phase = Phase.done;
    side.message = undefined;
  }

  private readonly readClient = (buf: Uint8Array, start: number, end: number): void => {
    const reason = readClientHello(buf, start, end, this.state);
    if (reason !== undefined) this.errors[reason]++;
    this.state.helloSeen = true;
    emit(this.state, this.out, true, false);
  };

  private readonly readServer = (buf: Uint8Array, start: number, end: number): void => {
    const reason = readServerHello(buf, start, end, this.state);
    if (reason !== undefined) {
      this.errors[reason]++;
      return;
    }
    this.state.helloSeen = true;
    emit(this.state, this.out, false, true);
  };
}

function emit(state: TlsState, out: AppFieldSink, name: boolean, server: boolean): void {
  out.setString('app_protocol', 'tls');
  if (name && state.serverName !== '') out.setString('tls_server_name', state.serverName);
  if (server) {
    out.setNumber('tls_version', state.version);
    out.setNumber('tls_cipher', state.cipher);
  }
}

/** A handshake record header (version 3.x, a sane length) followed by a ClientHello's type byte. */
export function startsClientHello(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start < 6 || buf[start] !== CONTENT_HANDSHAKE || buf[start + 1] !== 3 || buf[start + 2]! > 4)
    return false;
  const length = (buf[start + 3]! << 8) | buf[start + 4]!;
  return length >= 4 && length <= 16384 + 2048 && buf[start + 5] === CLIENT_HELLO;
}

export function createTlsDecoder(config?: TlsDecoderConfig): TlsDecoder {
  return new TlsDecoder(config);
}
