import { randomInt } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import type { DnsResult, DnsSpec, Probe } from '../contract.js';
import { RunDeadline } from './deadline.js';
import { buildQuery, type DnsResponse } from './dns-message.js';
import { encodeName, readName, reverseName } from './dns-names.js';
import { type Answer, queryTcp, queryUdp, type Server } from './dns-transport.js';
import { rcodeName, rrType, typeCode } from './dns-types.js';
import { probeErrors } from './errors.js';
import { ipv6Bytes } from './ipv6.js';
import { resolveTarget } from './resolve.js';

/** The name actually asked: a PTR query for an address asks its reverse name, like `dig -x`. */
export function queryName(name: string, type: number): string {
  if (type !== rrType.PTR) return name;
  if (isIPv4(name)) return reverseName(name);
  if (isIPv6(name)) return reverseName(name, ipv6Bytes(name));
  return name;
}

/**
 * DNS: one query to one server, with our own message builder and parser rather than node's
 * dns.Resolver, which neither reports the RCODE of an empty NOERROR answer nor lets us choose TCP,
 * and turns answers into objects we would print back. Over UDP a truncated answer (TC) is asked
 * again over TCP, as dig and stub resolvers do; the latency then covers both exchanges.
 */
export const dnsProbe: Probe<DnsSpec, DnsResult> = {
  async run(spec, signal) {
    const time = Date.now();
    const base = { testId: spec.id, type: 'dns' as const, target: spec.target, time };
    const fail = (error: string, address = '', rcode = '', latencyMs = Number.NaN): DnsResult => ({
      ...base,
      address,
      ok: false,
      error,
      rcode,
      answers: [],
      latencyMs,
    });
    const type = typeCode(spec.recordType);
    const asked = type === undefined ? '' : queryName(spec.name, type);
    const wire = type === undefined ? undefined : encodeName(asked);
    const portOk = Number.isInteger(spec.port) && spec.port >= 1 && spec.port <= 65_535;
    if (
      type === undefined ||
      wire === undefined ||
      !portOk ||
      (spec.transport !== 'udp' && spec.transport !== 'tcp')
    )
      return fail(probeErrors.badSpec);
    const deadline = new RunDeadline(spec.timeoutMs, signal);
    try {
      const resolved = await resolveTarget(spec.target, spec.family, deadline);
      if ('error' in resolved) return fail(resolved.error);
      const server: Server = { address: resolved.address, family: resolved.family, port: spec.port };
      const start = performance.now();
      const ask = async (tcp: boolean): Promise<{ answer: Answer; id: number }> => {
        const id = randomInt(65_536);
        const query = buildQuery(id, wire, type);
        return {
          answer: await (tcp ? queryTcp(server, query, deadline) : queryUdp(server, id, query, deadline)),
          id,
        };
      };
      let { answer, id } = await ask(spec.transport === 'tcp');
      if ('response' in answer && answer.response.truncated && spec.transport === 'udp')
        ({ answer, id } = await ask(true));
      const latencyMs = performance.now() - start;
      if ('error' in answer) return fail(answer.error, server.address);
      const r = answer.response;
      if (r.id !== id || !sameQuestion(r, wire, type)) return fail(probeErrors.badResponse, server.address);
      const rcode = rcodeName(r.rcode);
      const error = r.rcode === 0 ? '' : probeErrors.badRcode;
      return {
        ...base,
        address: server.address,
        ok: error === '',
        error,
        rcode,
        answers: r.answers.map((a) => a.text),
        latencyMs,
      };
    } finally {
      deadline.dispose();
    }
  },
};

/** Whether the answer's question (when it has one) is ours; names compare case-insensitively. */
function sameQuestion(r: DnsResponse, wire: Buffer, type: number): boolean {
  if (r.question === undefined) return true;
  return r.question.type === type && r.question.name.toLowerCase() === readName(wire, 0).text.toLowerCase();
}
