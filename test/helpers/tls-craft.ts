/** Hand-made TLS handshake messages and records, field by field as RFC 8446 lays them out. */

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

function u24(n: number): number[] {
  return [(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
}

function extension(type: number, data: number[]): number[] {
  return [...u16(type), ...u16(data.length), ...data];
}

function handshake(type: number, body: number[]): Uint8Array {
  return Uint8Array.from([type, ...u24(body.length), ...body]);
}

/** A ClientHello handshake message (header included): optional SNI, after `padding` bytes of another extension. */
export function clientHello(options: { serverName?: string; padding?: number } = {}): Uint8Array {
  const extensions: number[] = [];
  if (options.padding !== undefined) extensions.push(...extension(21, new Array(options.padding).fill(0)));
  extensions.push(...extension(10, [0, 4, 0, 29, 0, 23])); // supported_groups
  if (options.serverName !== undefined) {
    const name = [...Buffer.from(options.serverName, 'latin1')];
    const entry = [0, ...u16(name.length), ...name];
    extensions.push(...extension(0, [...u16(entry.length), ...entry]));
  }
  extensions.push(...extension(43, [4, 3, 4, 3, 3])); // supported_versions: 1.3, 1.2
  const body = [
    3,
    3, // legacy_version
    ...new Array(32).fill(0x42), // random
    32,
    ...new Array(32).fill(0x11), // session id
    ...u16(4),
    0x13,
    0x01,
    0xc0,
    0x2f, // cipher suites
    1,
    0, // compression: null
    ...u16(extensions.length),
    ...extensions,
  ];
  return handshake(1, body);
}

/** A ServerHello: legacy version, cipher, and supported_versions' selection when given. */
export function serverHello(options: {
  version: number;
  cipher: number;
  selected?: number;
  noExtensions?: boolean;
}): Uint8Array {
  const extensions: number[] = [];
  extensions.push(...extension(0xff01, [0])); // renegotiation_info
  if (options.selected !== undefined) extensions.push(...extension(43, u16(options.selected)));
  const body = [...u16(options.version), ...new Array(32).fill(0x24), 0, ...u16(options.cipher), 0];
  if (!options.noExtensions) body.push(...u16(extensions.length), ...extensions);
  return handshake(2, body);
}

/** The message in handshake records of at most `fragment` bytes of payload each. */
export function records(
  message: Uint8Array,
  fragment = 16384,
  contentType = 22,
  version = 0x0301,
): Uint8Array {
  const out: number[] = [];
  for (let o = 0; o < message.length; o += fragment) {
    const piece = message.subarray(o, Math.min(message.length, o + fragment));
    out.push(contentType, ...u16(version), ...u16(piece.length), ...piece);
  }
  return Uint8Array.from(out);
}
