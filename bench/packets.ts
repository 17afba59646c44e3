import {
  createExportFlow,
  createFlows,
  FlowGenerator,
  IpfixEncoder,
  ipfixIPv4Template,
  Netflow5Encoder,
  Netflow9Encoder,
  netflow9IPv4Template,
  SflowEncoder,
} from '../src/ingest/export/index.js';

/** Largest UDP payload in a 1500-byte Ethernet MTU (IPv4): what routers fill their datagrams to. */
export const MTU_PAYLOAD = 1472;
export const BOOT_MS = Date.UTC(2026, 0, 1);

/** Prepared datagrams of one protocol: templates (decoded once first), then data packets. */
export interface PreparedPackets {
  readonly templates: Buffer[];
  readonly data: Buffer[];
  readonly flowsPerPacket: number;
}

function flows(n: number, seed: number, nowMs: number) {
  const out = createFlows(n, createExportFlow);
  new FlowGenerator({ seed }).fill(out, nowMs);
  return out;
}

/** NetFlow v9 with the 18-field IPv4 template, MTU-sized packets for one source id. */
export function netflow9Packets(count: number, nowMs: number, sourceId = 0): PreparedPackets {
  const enc = new Netflow9Encoder({
    sourceId,
    bootMs: BOOT_MS,
    templates: [netflow9IPv4Template],
    maxBytes: MTU_PAYLOAD,
  });
  const buf = Buffer.alloc(MTU_PAYLOAD);
  enc.start(buf, nowMs);
  enc.addTemplates();
  enc.addOptionsTemplates();
  enc.addSampling(1);
  const templates = [Buffer.from(buf.subarray(0, enc.finish()))];
  const f = flows(count * 40, 11 + sourceId, nowMs);
  const data: Buffer[] = [];
  let at = 0;
  let per = 0;
  for (let i = 0; i < count; i++) {
    enc.start(buf, nowMs);
    per = enc.addData(netflow9IPv4Template.id, f, at, f.length - at);
    at += per;
    data.push(Buffer.from(buf.subarray(0, enc.finish())));
  }
  return { templates, data, flowsPerPacket: per };
}

/** IPFIX with the 18-field IPv4 template (millisecond times), MTU-sized messages. */
export function ipfixPackets(count: number, nowMs: number): PreparedPackets {
  const enc = new IpfixEncoder({ templates: [ipfixIPv4Template], maxBytes: MTU_PAYLOAD });
  const buf = Buffer.alloc(MTU_PAYLOAD);
  enc.start(buf, nowMs);
  enc.addTemplates();
  const templates = [Buffer.from(buf.subarray(0, enc.finish()))];
  const f = flows(count * 40, 12, nowMs);
  const data: Buffer[] = [];
  let at = 0;
  let per = 0;
  for (let i = 0; i < count; i++) {
    enc.start(buf, nowMs);
    per = enc.addData(ipfixIPv4Template.id, f, at, f.length - at);
    at += per;
    data.push(Buffer.from(buf.subarray(0, enc.finish())));
  }
  return { templates, data, flowsPerPacket: per };
}

/** sFlow v5 compact flow samples (raw header, switch, router, gateway records). */
export function sflowPackets(count: number, nowMs: number): PreparedPackets {
  const enc = new SflowEncoder({ bootMs: BOOT_MS, maxBytes: MTU_PAYLOAD });
  const buf = Buffer.alloc(MTU_PAYLOAD);
  const f = flows(count * 10, 13, nowMs);
  const data: Buffer[] = [];
  let at = 0;
  let per = 0;
  for (let i = 0; i < count; i++) {
    enc.start(buf, nowMs);
    per = 0;
    while (enc.addFlowSample(f[at]!)) {
      at++;
      per++;
    }
    data.push(Buffer.from(buf.subarray(0, enc.finish())));
  }
  return { templates: [], data, flowsPerPacket: per };
}

/** NetFlow v5, 30 records per packet. */
export function netflow5Packets(count: number, nowMs: number): PreparedPackets {
  const enc = new Netflow5Encoder({ bootMs: BOOT_MS });
  const buf = Buffer.alloc(MTU_PAYLOAD);
  const f = flows(count * 30, 14, nowMs);
  const data: Buffer[] = [];
  for (let i = 0; i < count; i++)
    data.push(Buffer.from(buf.subarray(0, enc.encode(buf, f, i * 30, 30, nowMs))));
  return { templates: [], data, flowsPerPacket: 30 };
}
