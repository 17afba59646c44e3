import dgram from 'node:dgram';
import { parseArgs } from 'node:util';
import { measureDecode } from './decode-speed.js';
import { flowlensEndToEnd } from './e2e-flowlens.js';
import { nfcapdEndToEnd } from './e2e-nfcapd.js';
import { machineInfo, raiseRmemMax } from './machine.js';
import { measureMemory } from './memory.js';
import { ipfixPackets, netflow5Packets, netflow9Packets, sflowPackets } from './packets.js';

/**
 * `npm run bench:ingest`: decode speed per core, end-to-end loopback UDP into the collector and
 * into nfcapd with the same replay, memory per exporter and per million buffered flows. Prints one
 * JSON object on stdout and nothing else.
 */
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    'decode-seconds': { type: 'string', default: '3' },
    rate: { type: 'string', default: '1000000' },
    domains: { type: 'string', default: '4' },
    'no-nfcapd': { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
const decodeSeconds = Number(values['decode-seconds']);
const RECV_BUFFER = 64 << 20;

async function freePort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', resolve));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

async function main() {
  const now = Date.now();
  const decode = {
    netflow_v9_18_fields: measureDecode(netflow9Packets(256, now), decodeSeconds),
    ipfix_18_fields: measureDecode(ipfixPackets(256, now), decodeSeconds),
    sflow: measureDecode(sflowPackets(256, now), decodeSeconds),
    netflow_v5: measureDecode(netflow5Packets(256, now), decodeSeconds),
  };
  const memory = measureMemory();
  const sysctl = raiseRmemMax(RECV_BUFFER);
  const replay = {
    host: '127.0.0.1',
    flowsPerSec: Number(values.rate),
    seconds,
    domains: Number(values.domains),
  };
  const flowlens = await flowlensEndToEnd(replay, await freePort(), RECV_BUFFER);
  const nfcapd = values['no-nfcapd']
    ? undefined
    : await nfcapdEndToEnd(replay, await freePort(), RECV_BUFFER);
  const result = {
    benchmark: 'ingest',
    date: new Date(now).toISOString(),
    machine: machineInfo(),
    decode_single_thread: decode,
    goals: {
      v9_ipfix_flows_per_sec: 10_000_000,
      sflow_flows_per_sec: 3_000_000,
      end_to_end_flows_per_sec: 1_000_000,
    },
    end_to_end: {
      netflow: 'NetFlow v9, 18-field IPv4 template, MTU-sized datagrams, sender in a worker thread',
      domains: replay.domains,
      seconds,
      net_core_rmem_max: sysctl,
      socket_receive_buffer_requested: RECV_BUFFER,
      flowlens,
      nfcapd,
      received_ratio_flowlens_to_nfcapd:
        nfcapd && 'received_flows' in nfcapd ? flowlens.received_flows / nfcapd.received_flows : undefined,
    },
    memory,
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench:ingest failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
