import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AS_TRANS, type ExportFlow, SflowEncoder } from '../src/ingest/export/index.js';
import { commonColumns, decodeAll, expectRows } from './encoders/decode.js';
import { buildIpfix, buildSflow, buildV5, buildV9 } from './encoders/packets.js';

/** The encoders' packets through decodePacket: every flow comes back as it was encoded. */
describe('flow export encoders, decoded by flowlens', () => {
  const scaled = (rate: number) => ({
    in_pkts: (f: ExportFlow) => f.packets * rate,
    in_bytes: (f: ExportFlow) => f.bytes * rate,
  });
  const routed = {
    src_as: (f: ExportFlow) => f.srcAs,
    dst_as: (f: ExportFlow) => f.dstAs,
    tcp_flags: (f: ExportFlow) => f.tcpFlags,
    tos: (f: ExportFlow) => f.tos,
    flow_start_time: (f: ExportFlow) => f.startMs,
    flow_end_time: (f: ExportFlow) => f.endMs,
  };

  it('NetFlow v5', () => {
    const { packets, flows } = buildV5();
    const { batch, stats, exporter } = decodeAll(packets);
    const as16 = (as: number) => (as > 0xffff ? AS_TRANS : as);
    expectRows(batch, flows, {
      ...commonColumns(100),
      ...scaled(100),
      ...routed,
      src_as: (f) => as16(f.srcAs),
      dst_as: (f) => as16(f.dstAs),
    });
    assert.equal(stats.totalErrors(), 0);
    assert.equal(exporter.stats.lostFlows, 0);
  });

  it('NetFlow v9: IPv4 and IPv6 templates, sampling from options data', () => {
    const { packets, v4, v6 } = buildV9();
    const { batch, stats, exporter } = decodeAll(packets);
    // v9 headers carry the export time in whole seconds: times are exact to the second.
    expectRows(
      batch,
      [...v4, ...v6],
      { ...commonColumns(100), ...scaled(100), ...routed },
      {
        flow_start_time: 1000,
        flow_end_time: 1000,
      },
    );
    assert.equal(stats.totalErrors(), 0);
    assert.equal(exporter.stats.lostPackets, 0);
  });

  it('NetFlow v9: a gap in the sequence is counted as lost packets', () => {
    const { packets } = buildV9();
    const { exporter } = decodeAll([packets[0]!, packets[2]!, packets[3]!]);
    assert.equal(exporter.stats.lostPackets, 1);
  });

  it('IPFIX: variable-length and enterprise fields skipped, sampling from options data', () => {
    const { packets, v4, v6 } = buildIpfix();
    const { batch, stats, exporter } = decodeAll(packets);
    expectRows(batch, [...v4, ...v6], { ...commonColumns(1000), ...scaled(1000), ...routed });
    assert.equal(stats.totalErrors(), 0);
    assert.equal(exporter.stats.lostFlows, 0);
  });

  it('IPFIX: a lost message is counted as lost flows', () => {
    const { packets, second } = buildIpfix();
    const { exporter } = decodeAll([packets[0]!, packets[2]!]);
    assert.equal(exporter.stats.lostFlows, second);
  });

  it('sFlow v5: one row per flow sample, scaled by the sampling rate', () => {
    const { packets, sampled, expandedFlow } = buildSflow();
    const { batch, stats } = decodeAll(packets);
    const flows = [...sampled, expandedFlow];
    const rate = (f: ExportFlow) => (f === expandedFlow ? 2048 : 512);
    expectRows(batch, flows, {
      ...commonColumns(0),
      sample_rate: rate,
      in_pkts: rate,
      in_bytes: (f) => (SflowEncoder.frameLength(f) + 4) * rate(f),
      l4_dst_port: (f) => f.dstPort,
      vlan_in: (f) => f.vlanIn,
      vlan_out: (f) => f.vlanOut,
      src_as: (f) => f.srcAs,
      dst_as: (f) => f.dstAs,
      tos: (f) => f.tos,
      tcp_flags: (f) => f.tcpFlags,
    });
    assert.equal(stats.totalErrors(), 0);
  });
});
