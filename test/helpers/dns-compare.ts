import assert from 'node:assert/strict';
import {
  DnsDecoder,
  type DnsDecoderConfig,
  defaultDnsConfig,
  mdnsConfig,
} from '../../src/agent/app/dns/dns-decoder.js';
import { decodeCapture } from './app-harness.js';
import { boundAnswers, type TsharkDnsMessage, tsharkDns } from './dns-tshark.js';

export interface DnsComparison {
  readonly decoders: readonly DnsDecoder[];
  readonly messages: readonly TsharkDnsMessage[];
}

/**
 * Decodes every DNS message of `file` (each packet as if it ended a record) and checks each
 * against tshark's decode of the same packet: query name and type, response code, answers and
 * latency for responses; and that the decoder wrote nothing for packets tshark saw no DNS in.
 */
export async function assertDnsMatchesTshark(
  file: string,
  options: { tsharkArgs?: string[]; config?: DnsDecoderConfig } = {},
): Promise<DnsComparison> {
  const dns = new DnsDecoder(options.config);
  const mdns = new DnsDecoder(mdnsConfig);
  const decoded = await decodeCapture(file, [dns, mdns], { exportEachPacket: true });
  const messages = tsharkDns(file, options.tsharkArgs);
  const byPacket = new Map(decoded.map((d) => [d.packet, d.fields]));
  const expectedPackets = new Set(messages.map((m) => m.packet));
  for (const d of decoded) {
    if (d.fields.size > 0)
      assert.ok(
        expectedPackets.has(d.packet),
        `${file} packet ${d.packet}: wrote ${[...d.fields]} but tshark saw no DNS`,
      );
  }
  for (const m of messages) {
    const where = `${file} packet ${m.packet}`;
    const f = byPacket.get(m.packet);
    assert.ok(f !== undefined, `${where}: the decoder was not given this packet`);
    assert.equal(f.get('app_protocol'), 'dns', `${where}: app_protocol`);
    assert.equal(f.get('dns_query'), m.query, `${where}: dns_query`);
    assert.equal(f.get('dns_query_type'), m.queryType, `${where}: dns_query_type`);
    if (!m.response) {
      assert.equal(f.get('dns_return_code'), undefined, `${where}: a query has no response code`);
      assert.equal(f.get('dns_answers'), undefined, `${where}: a query has no answers`);
      continue;
    }
    assert.equal(f.get('dns_return_code'), m.rcode, `${where}: dns_return_code`);
    assert.equal(
      f.get('dns_answers'),
      boundAnswers(m.answers, (options.config ?? defaultDnsConfig).answersLimit),
      `${where}: dns_answers`,
    );
    const latency = f.get('appl_latency_ms') as number | undefined;
    if (m.latencyMs === undefined) assert.equal(latency, undefined, `${where}: no query matched, no latency`);
    else {
      assert.ok(
        latency !== undefined,
        `${where}: tshark matched a query (${m.latencyMs} ms), the decoder did not`,
      );
      // Whole milliseconds, rounded: within half a millisecond of tshark's dns.time.
      assert.ok(
        Math.abs(latency - m.latencyMs) <= 0.5 + 1e-6,
        `${where}: latency ${latency} vs tshark ${m.latencyMs} ms`,
      );
    }
  }
  return { decoders: [dns, mdns], messages };
}

/** The decoders' error counts that are not zero. */
export function nonzeroErrors(decoders: readonly DnsDecoder[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const d of decoders)
    for (const [k, v] of Object.entries(d.errors)) if (v > 0) out[k] = (out[k] ?? 0) + v;
  return out;
}
