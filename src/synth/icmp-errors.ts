/**
 * The stable error codes of ping and traceroute results (`ResultBase.error`); the ones they share
 * with the HTTP/DNS/TCP probes (src/synth/probes/errors.ts) have the same spelling. Dashboards
 * and alerts key on these strings: never rename one.
 */
export const icmpErrors = {
  /** The target's name did not resolve (to an address of the family asked for). */
  dnsFailed: 'dns_failed',
  /** The test itself is invalid (count, size, hops, ports, family of a literal address). */
  badSpec: 'bad_spec',
  /** The caller's signal stopped the run. */
  aborted: 'aborted',
  /** No raw socket for the family: not root and no CAP_NET_RAW, or IPv6 off. */
  noSocket: 'no_socket',
  /** The kernel refused every send (no route, firewall); see the agent's send-error count. */
  sendFailed: 'send_failed',
  /** Ping: nothing came back but ICMP destination unreachable; trace: a router said unreachable. */
  unreachable: 'unreachable',
  /** Ping: no probe came back in time. */
  timeout: 'timeout',
  /** Trace: max hops reached without an answer from the destination. */
  notReached: 'not_reached',
  /** 65 536 probes are outstanding on this agent: the run could not send. */
  busy: 'busy',
} as const;
