/**
 * The stable error codes of the HTTP, DNS and TCP probes (`ResultBase.error`), and the mapping from
 * Node's error codes to them. Dashboards and alerts key on these strings: never rename one.
 */
export const probeErrors = {
  /** The run's timeout passed first. */
  timeout: 'timeout',
  /** The caller's signal stopped the run (agent shutting down, task removed). */
  aborted: 'aborted',
  /** The target's name did not resolve. */
  dnsFailed: 'dns_failed',
  /** Connection refused (TCP RST, or ICMP port unreachable for DNS over UDP). */
  refused: 'refused',
  /** The peer reset or closed the connection before the exchange completed. */
  reset: 'reset',
  /** No route / host or network unreachable. */
  unreachable: 'unreachable',
  /** TLS handshake or certificate verification failed. */
  tlsFailed: 'tls_failed',
  /** HTTP status other than the expected one (default: not 2xx/3xx). */
  badStatus: 'bad_status',
  /** The body did not match `bodyMatch`. */
  bodyMismatch: 'body_mismatch',
  /** The peer's answer could not be parsed (malformed HTTP or DNS message). */
  badResponse: 'bad_response',
  /** DNS: the answer's RCODE was not NOERROR. */
  badRcode: 'bad_rcode',
  /** The test itself is invalid (URL, regular expression, record type, port). */
  badSpec: 'bad_spec',
  /** Anything else; the message is not kept in the result. */
  failed: 'failed',
} as const;

const tlsCodes = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'HOSTNAME_MISMATCH',
]);

/** The stable code for an error thrown or emitted by Node's net, tls, http, dgram or dns. */
export function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return probeErrors.failed;
  switch (code) {
    case 'ECONNREFUSED':
      return probeErrors.refused;
    case 'ECONNRESET':
    case 'EPIPE':
    case 'ECONNABORTED':
      return probeErrors.reset;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EHOSTDOWN':
    case 'ENETDOWN':
    case 'EADDRNOTAVAIL':
      return probeErrors.unreachable;
    case 'ETIMEDOUT':
      return probeErrors.timeout;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
    case 'EAI_NODATA':
    case 'EAI_NONAME':
      return probeErrors.dnsFailed;
  }
  if (tlsCodes.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'))
    return probeErrors.tlsFailed;
  if (code.startsWith('HPE_')) return probeErrors.badResponse;
  return probeErrors.failed;
}
