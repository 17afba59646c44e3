import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  concat,
  dataRecord,
  type FieldSpec,
  Harness,
  ipfixOptionsTemplateRecord,
  ipfixPacket,
  ipv4,
  set,
  templateRecord,
  uint,
} from '../../../test/helpers/netflow-packets.js';
import { parseAddr } from '../../flow/addr.js';
import { REVERSE_PEN } from './elements.js';

const fields: FieldSpec[] = [
  { id: 8, length: 4 },
  { id: 12, length: 4 },
  { id: 7, length: 2 },
  { id: 1, length: 8 },
  { id: 2, length: 8 },
  { id: 152, length: 8 },
];
const record = (port: number) =>
  dataRecord(fields, [ipv4('10.1.0.1'), ipv4('10.1.0.2'), port, 1500, 3, 1_700_000_000_123]);
const templateSet = set(2, templateRecord(256, fields, true));

describe('IPFIX', () => {
  it('decodes templates and data, with absolute millisecond times', () => {
    const h = new Harness();
    assert.equal(h.decode(ipfixPacket({}, [templateSet, set(256, concat(record(1), record(2)))])), 2);
    const r = h.row(0);
    assert.equal(r.src_addr, '10.1.0.1');
    assert.equal(r.in_bytes, 1500);
    assert.equal(r.flow_start_time, new Date(1_700_000_000_123).toISOString());
  });

  it('withdraws one template, or all of a kind with id 2', () => {
    const h = new Harness();
    const other = set(2, templateRecord(257, fields, true));
    h.decode(ipfixPacket({}, [templateSet, other]));
    const domain = h.exporter.domain(10, 0);
    assert.equal(domain.templates.size, 2);
    const version = h.exporter.templatesVersion;
    h.decode(ipfixPacket({}, [set(2, templateRecord(256, [], true))]));
    assert.deepEqual([...domain.templates.keys()], [257]);
    assert.ok(h.exporter.templatesVersion > version);
    h.decode(ipfixPacket({}, [set(256, record(1))]));
    assert.equal(h.stats.count('template_missing'), 1);
    h.decode(ipfixPacket({}, [templateSet, set(2, templateRecord(2, [], true))]));
    assert.equal(domain.templates.size, 0);
  });

  it('reads variable-length fields in the 1-byte and 3-byte forms', () => {
    const h = new Harness();
    const f: FieldSpec[] = [
      { id: 82, length: 0xffff }, // interfaceName
      { id: 8, length: 4 },
      { id: 96, length: 0xffff }, // applicationName
      { id: 7, length: 2 },
    ];
    const short = new Uint8Array(5).fill(65);
    const long = new Uint8Array(300).fill(66);
    const packet = ipfixPacket({}, [
      set(2, templateRecord(300, f, true)),
      set(
        300,
        concat(
          dataRecord(f, [short, ipv4('10.0.0.9'), long, 53]),
          dataRecord(f, [long, ipv4('10.0.0.8'), short, 54]),
        ),
      ),
    ]);
    assert.equal(h.decode(packet), 2);
    assert.equal(h.row(0).src_addr, '10.0.0.9');
    assert.equal(h.row(0).l4_src_port, 53);
    assert.equal(h.row(1).src_addr, '10.0.0.8');
    assert.equal(h.row(1).l4_src_port, 54);
    assert.equal(h.stats.totalErrors(), 0);
  });

  it('skips enterprise-specific elements and maps reverse counters', () => {
    const h = new Harness();
    const f: FieldSpec[] = [
      { id: 1, length: 6, pen: 9 }, // Cisco's own element 1: not octetDeltaCount
      { id: 8, length: 4 },
      { id: 1, length: 8 },
      { id: 1, length: 8, pen: REVERSE_PEN },
      { id: 2, length: 4, pen: REVERSE_PEN },
      { id: 12345, length: 0xffff, pen: 29305 },
    ];
    const packet = ipfixPacket({}, [
      set(2, templateRecord(310, f, true)),
      set(310, dataRecord(f, [0xffffffffffffn, ipv4('10.2.0.1'), 100, 200, 3, new Uint8Array(2)])),
    ]);
    assert.equal(h.decode(packet), 1);
    const r = h.row(0);
    assert.equal(r.in_bytes, 100);
    assert.equal(r.out_bytes, 200);
    assert.equal(r.out_pkts, 3);
    assert.equal(r.src_addr, '10.2.0.1');
  });

  it('decodes IPv6 flows, next hops and NTP microsecond times', () => {
    const h = new Harness();
    const f: FieldSpec[] = [
      { id: 27, length: 16 },
      { id: 28, length: 16 },
      { id: 62, length: 16 },
      { id: 29, length: 1 },
      { id: 154, length: 8 },
      { id: 139, length: 2 },
    ];
    const ntp = concat(uint(1_700_000_000 + 2_208_988_800, 4), uint(2 ** 31, 4)); // .5 s
    const values = [
      parseAddr('2001:db8::1'),
      parseAddr('2001:db8::2'),
      parseAddr('fe80::1'),
      64,
      ntp,
      0x8000,
    ];
    h.decode(ipfixPacket({}, [set(2, templateRecord(320, f, true)), set(320, dataRecord(f, values))]));
    const r = h.row(0);
    assert.equal(r.src_addr, '2001:db8::1');
    assert.equal(r.ipv4_next_hop, 'fe80::1');
    assert.equal(r.ip_version, 6);
    assert.equal(r.src_route_length, 64);
    assert.equal(r.l4_dst_port, 0x8000, 'ICMPv6 type 128 code 0');
    assert.equal(r.flow_start_time, new Date(1_700_000_000_500).toISOString());
  });

  it('makes uptime-relative times absolute with the system init time from options data', () => {
    const h = new Harness();
    const options: FieldSpec[] = [
      { id: 149, length: 4 },
      { id: 160, length: 8 },
    ];
    const f: FieldSpec[] = [
      { id: 8, length: 4 },
      { id: 22, length: 4 },
      { id: 21, length: 4 },
    ];
    const boot = 1_700_000_000_000;
    h.decode(
      ipfixPacket({}, [
        set(3, ipfixOptionsTemplateRecord(400, 1, options)),
        set(2, templateRecord(330, f, true)),
        set(330, dataRecord(f, [ipv4('10.0.0.1'), 5000, 6000])),
        set(400, dataRecord(options, [0, boot])),
        set(330, dataRecord(f, [ipv4('10.0.0.1'), 5000, 6000])),
      ]),
    );
    assert.equal(h.row(0).flow_start_time, '', 'unknown before the exporter said when it booted');
    assert.equal(h.row(1).flow_start_time, new Date(boot + 5000).toISOString());
    assert.equal(h.row(1).flow_end_time, new Date(boot + 6000).toISOString());
  });

  it('counts lost flows from the data record sequence per observation domain', () => {
    const h = new Harness();
    h.decode(ipfixPacket({ sequence: 0 }, [templateSet, set(256, concat(record(1), record(2)))]));
    h.decode(ipfixPacket({ sequence: 2 }, [set(256, record(3))]));
    assert.equal(h.exporter.stats.lostFlows, 0);
    h.decode(ipfixPacket({ sequence: 10 }, [set(256, record(4))]));
    assert.equal(h.exporter.stats.lostFlows, 7);
    h.decode(ipfixPacket({ sequence: 99, domain: 5 }, []));
    assert.equal(h.exporter.stats.lostFlows, 7);
  });

  it('applies packet interval/space sampling scoped to a template', () => {
    const h = new Harness();
    const options: FieldSpec[] = [
      { id: 149, length: 4 },
      { id: 145, length: 2 },
      { id: 305, length: 4 },
      { id: 306, length: 4 },
    ];
    h.decode(
      ipfixPacket({}, [
        templateSet,
        set(3, ipfixOptionsTemplateRecord(400, 2, options)),
        set(400, dataRecord(options, [0, 256, 1, 99])),
        set(256, record(1)),
      ]),
    );
    assert.equal(h.row(0).sample_rate, 100);
    assert.equal(h.row(0).in_pkts, 300);
    assert.equal(h.exporter.stats.sampleRate, 100);
  });

  it('rejects bad templates and keeps good records before a cut', () => {
    const h = new Harness();
    const zero = templateRecord(500, [{ id: 8, length: 0 }], true);
    const optionsNoScope = ipfixOptionsTemplateRecord(501, 0, [{ id: 34, length: 4 }]);
    h.decode(
      ipfixPacket({}, [set(2, zero), set(3, optionsNoScope), set(2, templateRecord(12, fields, true))]),
    );
    assert.equal(h.stats.count('bad_template'), 3);
    const full = ipfixPacket({}, [templateSet, set(256, concat(record(1), record(2)))]);
    assert.equal(h.decode(full.subarray(0, full.length - 1)), 1);
    assert.ok(h.stats.count('truncated') >= 1);
    assert.equal(h.flows.length, 1);
  });

  it('counts a bad set length and a message shorter than its header says', () => {
    const h = new Harness();
    const packet = ipfixPacket({}, [templateSet, set(256, record(1))]);
    const bad = concat(packet, uint(256, 2), uint(1, 2));
    bad[3] = bad.length; // message length covers the bad set
    assert.equal(h.decode(bad), 1);
    assert.equal(h.stats.count('bad_length'), 1);
    const tooShort = packet.slice();
    tooShort[2] = 0;
    tooShort[3] = 8;
    assert.equal(h.decode(tooShort), 0);
    assert.equal(h.stats.count('bad_length'), 2);
  });
});
