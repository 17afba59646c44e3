/** Why the decoder got no hello from a direction: stable names, counted in `errors`. */
export const tlsErrorReasons = [
  'midstream', // the first record seen is application data: the capture began after the handshake
  'not_tls', // the first bytes seen are not a TLS record header
  'not_handshake', // the first record is an alert or change_cipher_spec, not a handshake
  'unexpected_handshake', // the first handshake message is not the ClientHello (ServerHello) expected
  'hello_too_long', // a hello longer than maxHello
  'bad_client_hello', // lengths inside the ClientHello run past its end
  'bad_server_hello', // lengths inside the ServerHello run past its end
  'bad_server_name', // a server_name that is empty, too long or not printable ASCII
  'gap', // bytes of the hello missing (loss, reordering, snap length)
] as const;

export type TlsErrorReason = (typeof tlsErrorReasons)[number];

export function newTlsErrors(): Record<TlsErrorReason, number> {
  return Object.fromEntries(tlsErrorReasons.map((r) => [r, 0])) as Record<TlsErrorReason, number>;
}
