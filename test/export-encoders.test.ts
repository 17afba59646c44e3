import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AS_TRANS, SflowEncoder } from '../src/ingest/export/index.js';
import { addrText, BOOT, writeCapture } from './encoders/capture.js';
import { commonFields, expectValues, flowFields, pick, sflowFields } from './encoders/expect.js';
import { buildIpfix, buildSflow, buildV5, buildV9 } from './encoders/packets.js';
import { absTimeMs, all, malformedFrames, tsharkFields } from './encoders/tshark.js';

const dir = mkdtempSync(join(tmpdir(), 'flowlens-encoders-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Compares tshark's text values with what was encoded: numbers numerically, text exactly. */
describe('flow export encoders, checked against tshark', () => {
  it('NetFlow v5: header, sequence = flows sent, every record field', () => {
    const { enc, packets, flows } = buildV5();
    const pcap = join(dir, 'v5.pcap');
    writeCapture(pcap, packets, 2055);
    assert.deepEqual(malformedFrames(pcap), [], 'tshark finds no malformed frame');
    const got = tsharkFields(pcap, flowFields(false), 'cflow');
    expectValues(all(got, 'cflow.count'), [30, 30], 'count');
    expectValues(all(got, 'cflow.sequence'), [0, 30], 'sequence');
    expectValues(all(got, 'cflow.samplerate'), [100, 100], 'samplerate');
    expectValues(all(got, 'cflow.sysuptime'), [3600, 3601], 'sysuptime');
    commonFields(flows, got, false);
    const as16 = (as: number) => (as > 0xffff ? AS_TRANS : as);
    expectValues(
      all(got, 'cflow.srcas'),
      pick(flows, (f) => as16(f.srcAs)),
      'srcas',
    );
    expectValues(
      all(got, 'cflow.dstas'),
      pick(flows, (f) => as16(f.dstAs)),
      'dstas',
    );
    expectValues(
      all(got, 'cflow.timestart'),
      pick(flows, (f) => (f.startMs - BOOT) / 1000),
      'timestart',
    );
    expectValues(
      all(got, 'cflow.timeend'),
      pick(flows, (f) => (f.endMs - BOOT) / 1000),
      'timeend',
    );
    assert.equal(enc.sequence, 60);
  });

  it('NetFlow v9: templates, options template + sampling, IPv4 and IPv6 data, sequence per packet', () => {
    const { packets, counts, v4, v6 } = buildV9();
    assert.deepEqual(counts, [14, 28, 22, 8], '1400-byte packets hold 28 records of 49 bytes');
    const pcap = join(dir, 'v9.pcap');
    writeCapture(pcap, packets, 2055);
    assert.deepEqual(malformedFrames(pcap), [], 'tshark finds no malformed frame');
    const got = tsharkFields(pcap, flowFields(false), 'cflow');
    expectValues(
      all(got, 'cflow.sequence'),
      packets.map((_, i) => i),
      'sequence',
    );
    expectValues(
      all(got, 'cflow.source_id'),
      packets.map(() => 77),
      'source_id',
    );
    expectValues(all(got, 'cflow.count'), counts, 'count');
    expectValues(all(got, 'cflow.sampling_interval'), [100], 'sampling_interval');
    expectValues(all(got, 'cflow.sampling_algorithm'), [2], 'sampling_algorithm');
    commonFields(v4, tsharkFields(pcap, flowFields(false), 'cflow.srcaddr'), false);
    const both = [...v4, ...v6];
    expectValues(
      all(got, 'cflow.srcas'),
      pick(both, (f) => f.srcAs),
      'srcas',
    );
    expectValues(
      all(got, 'cflow.dstas'),
      pick(both, (f) => f.dstAs),
      'dstas',
    );
    expectValues(
      all(got, 'cflow.timestart'),
      pick(both, (f) => (f.startMs - BOOT) / 1000),
      'timestart',
    );
    expectValues(
      all(got, 'cflow.timeend'),
      pick(both, (f) => (f.endMs - BOOT) / 1000),
      'timeend',
    );
    const got6 = tsharkFields(pcap, flowFields(true), 'cflow.srcaddrv6');
    commonFields(v6, got6, true);
    expectValues(
      all(got6, 'cflow.vlanid'),
      pick(v6, (f) => f.vlanIn),
      'vlanid',
    );
    expectValues(
      all(got6, 'cflow.post_vlanid'),
      pick(v6, (f) => f.vlanOut),
      'post_vlanid',
    );
    expectValues(
      all(got6, 'cflow.ip_version'),
      pick(v6, () => 6),
      'ip_version',
    );
  });

  it('IPFIX: templates, options, variable-length and enterprise fields, sequence = data records', () => {
    const { enc, packets, second, v4, v6 } = buildIpfix();
    const pcap = join(dir, 'ipfix.pcap');
    writeCapture(pcap, packets, 4739);
    assert.deepEqual(malformedFrames(pcap), [], 'tshark finds no malformed frame');
    const got = tsharkFields(pcap, flowFields(false), 'cflow');
    expectValues(all(got, 'cflow.sequence'), [0, 21, 21 + second], 'sequence');
    assert.equal(enc.sequence, 21 + second + 6);
    expectValues(all(got, 'cflow.od_id').slice(0, 3), [5, 5, 5], 'od_id');
    expectValues(all(got, 'cflow.sampling_packet_interval'), [1], 'sampling_packet_interval');
    expectValues(all(got, 'cflow.sampling_packet_space'), [999], 'sampling_packet_space');
    commonFields(v4, tsharkFields(pcap, flowFields(false), 'cflow.srcaddr'), false);
    const both = [...v4, ...v6];
    expectValues(
      all(got, 'cflow.srcas'),
      pick(both, (f) => f.srcAs),
      'srcas',
    );
    expectValues(
      all(got, 'cflow.dstas'),
      pick(both, (f) => f.dstAs),
      'dstas',
    );
    expectValues(
      all(got, 'cflow.abstimestart').map(absTimeMs),
      pick(both, (f) => f.startMs),
      'abstimestart',
    );
    expectValues(
      all(got, 'cflow.abstimeend').map(absTimeMs),
      pick(both, (f) => f.endMs),
      'abstimeend',
    );
    const got6 = tsharkFields(pcap, flowFields(true), 'cflow.srcaddrv6');
    commonFields(v6, got6, true);
    // tshark prints nothing for a zero-length string (ICMP flows have no application name).
    const names = pick(v6, (f) => f.appName).filter((a) => a !== '');
    assert.ok(names.length < v6.length, 'the sample includes a zero-length variable field');
    expectValues(all(got6, 'cflow.appl_name'), names, 'appl_name');
  });

  it('sFlow v5: compact and expanded flow samples with raw headers, counter samples', () => {
    const { packets, sampled, expandedFlow } = buildSflow();
    const pcap = join(dir, 'sflow.pcap');
    writeCapture(pcap, packets, 6343);
    assert.deepEqual(malformedFrames(pcap), [], 'tshark finds no malformed frame');
    const got = tsharkFields(pcap, sflowFields, 'sflow');
    const n = packets.length;
    expectValues(
      all(got, 'sflow_245.sequence_number'),
      packets.map((_, k) => (k === n - 1 ? 0 : k)),
      'datagram sequence',
    );
    expectValues(
      all(got, 'sflow_245.sub_agent_id'),
      packets.map((_, k) => (k === n - 1 ? 4 : 3)),
      'sub-agent',
    );
    const flows = [...sampled, expandedFlow];
    expectValues(
      all(got, 'sflow.flow_sample.sampling_rate'),
      flows.map((_, k) => (k === sampled.length ? 2048 : 512)),
      'sampling rate',
    );
    expectValues(
      all(got, 'sflow.flow_sample.input_interface'),
      pick(sampled, (f) => f.inputIf),
      'input if',
    );
    expectValues(
      all(got, 'sflow.flow_sample.input_interface_value'),
      [expandedFlow.inputIf],
      'expanded input if',
    );
    expectValues(
      all(got, 'sflow.flow_sample.output_interface_value'),
      pick(flows, (f) => f.outputIf),
      'output if',
    );
    expectValues(
      all(got, 'sflow_245.header.frame_length'),
      pick(flows, (f) => SflowEncoder.frameLength(f) + 4),
      'frame length',
    );
    expectValues(
      all(got, 'sflow_245.vlan.in'),
      pick(flows, (f) => f.vlanIn),
      'vlan in',
    );
    expectValues(
      all(got, 'sflow_245.vlan.out'),
      pick(flows, (f) => f.vlanOut),
      'vlan out',
    );
    expectValues(
      all(got, 'sflow_245.srcAS'),
      pick(flows, (f) => f.srcAs),
      'src as',
    );
    expectValues(
      all(got, 'sflow_245.dstAS'),
      pick(flows, (f) => f.dstAs),
      'dst as',
    );
    expectValues(
      all(got, 'sflow_245.nexthop.src_mask'),
      pick(flows, (f) => f.srcMask),
      'src mask',
    );
    expectValues(
      all(got, 'sflow_245.nexthop.dst_mask'),
      pick(flows, (f) => f.dstMask),
      'dst mask',
    );
    // Inner IPv4 sources: every ip.src after the outer header's.
    const inner4 = (got.get('ip.src') ?? []).flatMap((p) => p.slice(1));
    const v4 = flows.filter((f) => f.ipVersion === 4);
    expectValues(
      inner4,
      pick(v4, (f) => addrText(f.srcAddr)),
      'inner ip.src',
    );
    const v6 = flows.filter((f) => f.ipVersion === 6);
    expectValues(
      all(got, 'ipv6.src'),
      pick(v6, (f) => addrText(f.srcAddr)),
      'ipv6.src',
    );
    const tcp = flows.filter((f) => f.protocol === 6);
    expectValues(
      all(got, 'tcp.srcport'),
      pick(tcp, (f) => f.srcPort),
      'tcp.srcport',
    );
    expectValues(
      all(got, 'tcp.dstport'),
      pick(tcp, (f) => f.dstPort),
      'tcp.dstport',
    );
    expectValues(
      all(got, 'tcp.flags'),
      pick(tcp, (f) => f.tcpFlags),
      'tcp.flags',
    );
    expectValues(all(got, 'sflow_245.ifindex'), [7], 'ifindex');
    expectValues(all(got, 'sflow_245.ifspeed'), [10e9], 'ifspeed');
    expectValues(all(got, 'sflow_245.ifinoct'), [2 ** 40 + 5], 'ifinoct');
    expectValues(all(got, 'sflow_245.ifoutoct'), [2 ** 35], 'ifoutoct');
    expectValues(all(got, 'sflow_245.ifouterr'), [11], 'ifouterr');
  });
});
