import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  concat,
  dataRecord,
  type FieldSpec,
  Harness,
  ipv4,
  set,
  templateRecord,
  uint,
  v9OptionsTemplateRecord,
  v9Packet,
} from '../../../test/helpers/netflow-packets.js';

const fields: FieldSpec[] = [
  { id: 8, length: 4 },
  { id: 12, length: 4 },
  { id: 7, length: 2 },
  { id: 11, length: 2 },
  { id: 4, length: 1 },
  { id: 1, length: 4 },
  { id: 2, length: 4 },
  { id: 22, length: 4 },
  { id: 21, length: 4 },
];
const header = { uptime: 100_000, unixSecs: 1_700_000_000, sequence: 10 };
const templatePacket = (h = header) => v9Packet(h, [set(0, templateRecord(256, fields, false))]);
const record = (port: number, bytes = 1000) =>
  dataRecord(fields, [ipv4('10.0.0.1'), ipv4('10.0.0.2'), port, 443, 6, bytes, 10, 90_000, 99_000]);

describe('NetFlow v9', () => {
  it('decodes data with its template, making uptime-relative times absolute', () => {
    const h = new Harness();
    assert.equal(h.decode(templatePacket()), 0);
    assert.equal(
      h.decode(v9Packet({ ...header, sequence: 11 }, [set(256, concat(record(1), record(2)))])),
      2,
    );
    const r = h.row(1);
    assert.equal(r.src_addr, '10.0.0.1');
    assert.equal(r.l4_src_port, 2);
    assert.equal(r.in_bytes, 1000);
    assert.equal(r.ip_version, 4);
    assert.equal(r.sample_rate, 1);
    assert.equal(r.flow_start_time, new Date(1_700_000_000_000 - 100_000 + 90_000).toISOString());
    assert.equal(r.flow_end_time, new Date(1_700_000_000_000 - 100_000 + 99_000).toISOString());
    assert.equal(h.exporter.stats.flows, 2);
  });

  it('counts data before its template and drops it without throwing', () => {
    const h = new Harness();
    assert.equal(h.decode(v9Packet(header, [set(256, record(1))])), 0);
    assert.equal(h.stats.count('template_missing'), 1);
    assert.equal(h.exporter.stats.templateMisses, 1);
    assert.equal(h.flows.length, 0);
  });

  it('counts lost export packets from sequence gaps per source id', () => {
    const h = new Harness();
    h.decode(templatePacket({ ...header, sequence: 10 }));
    h.decode(v9Packet({ ...header, sequence: 11 }, [set(256, record(1))]));
    h.decode(v9Packet({ ...header, sequence: 15 }, [set(256, record(1))]));
    assert.equal(h.exporter.stats.lostPackets, 3);
    // Another source id has its own sequence.
    h.decode(v9Packet({ ...header, sourceId: 2, sequence: 500 }, []));
    assert.equal(h.exporter.stats.lostPackets, 3);
  });

  it('reads counters of any width from 1 to 8 bytes', () => {
    for (const width of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const h = new Harness();
      const f: FieldSpec[] = [
        { id: 1, length: width },
        { id: 2, length: width },
      ];
      const bytes = width === 8 ? 2n ** 40n + 5n : 2n ** BigInt(8 * width - 1) + 3n;
      h.decode(
        v9Packet(header, [set(0, templateRecord(300, f, false)), set(300, dataRecord(f, [bytes, 7]))]),
      );
      assert.equal(h.row(0).in_bytes, Number(bytes), `width ${width}`);
      assert.equal(h.row(0).in_pkts, 7, `width ${width}`);
    }
  });

  it('takes the sampling rate from options data by sampler id, with a domain default', () => {
    const h = new Harness();
    const scope: FieldSpec[] = [{ id: 1, length: 4 }];
    const withId: FieldSpec[] = [
      { id: 48, length: 2 },
      { id: 49, length: 1 },
      { id: 50, length: 4 },
    ];
    const noId: FieldSpec[] = [{ id: 34, length: 4 }];
    const optionsTemplates = set(
      1,
      concat(v9OptionsTemplateRecord(257, scope, withId), v9OptionsTemplateRecord(258, scope, noId)),
      2,
    );
    const optionsData = [
      set(
        257,
        concat(
          dataRecord([...scope, ...withId], [0, 5, 2, 100]),
          dataRecord([...scope, ...withId], [0, 6, 2, 400]),
        ),
      ),
      set(258, dataRecord([...scope, ...noId], [0, 50])),
    ];
    const sampled: FieldSpec[] = [...fields, { id: 48, length: 2 }];
    const data = (sampler: number) =>
      dataRecord(sampled, [ipv4('10.0.0.1'), ipv4('10.0.0.2'), 1, 2, 17, 1000, 10, 0, 0, sampler]);
    h.decode(
      v9Packet(header, [optionsTemplates, ...optionsData, set(0, templateRecord(259, sampled, false))]),
    );
    h.decode(v9Packet(header, [set(259, concat(data(5), data(6), data(9))), set(256, record(1))]));
    assert.equal(h.flows.length, 3);
    assert.equal(h.stats.count('template_missing'), 1, 'template 256 was never sent');
    h.decode(templatePacket());
    h.decode(v9Packet(header, [set(256, record(1))]));
    const rates = [0, 1, 2, 3].map((i) => h.row(i).sample_rate);
    assert.deepEqual(rates, [100, 400, 50, 50]);
    assert.equal(h.row(1).in_bytes, 400_000);
    assert.equal(h.row(1).in_pkts, 4000);
    assert.equal(h.exporter.stats.sampleRate, 50);
  });

  it('uses a sampling interval in the record itself; the device configuration overrides it', () => {
    const f: FieldSpec[] = [...fields, { id: 34, length: 4 }];
    const packet = v9Packet(header, [
      set(0, templateRecord(260, f, false)),
      set(260, dataRecord(f, [ipv4('10.0.0.1'), ipv4('10.0.0.2'), 1, 2, 6, 100, 1, 0, 0, 512])),
    ]);
    const fromRecord = new Harness();
    fromRecord.decode(packet);
    assert.equal(fromRecord.row(0).sample_rate, 512);
    assert.equal(fromRecord.row(0).in_bytes, 51_200);
    const configured = new Harness(10);
    configured.decode(packet);
    assert.equal(configured.row(0).sample_rate, 10);
    assert.equal(configured.row(0).in_bytes, 1000);
  });

  it('rejects templates with zero-length fields, absurd field counts or no fields', () => {
    const h = new Harness();
    const zero = templateRecord(270, [{ id: 1, length: 0 }], false);
    const huge = concat(uint(271, 2), uint(60_000, 2));
    h.decode(
      v9Packet(header, [set(0, zero), set(0, huge), set(0, concat(uint(272, 2), uint(0, 2), uint(0, 4)))]),
    );
    assert.equal(h.stats.count('bad_template'), 3);
    assert.equal(h.exporter.domain(9, 0).templates.size, 0);
    // The packet goes on: a good template after a bad set still counts.
    h.decode(
      v9Packet(header, [set(0, zero), set(0, templateRecord(256, fields, false)), set(256, record(3))]),
    );
    assert.equal(h.flows.length, 1);
  });

  it('keeps the whole records before a truncation and counts it', () => {
    const h = new Harness();
    h.decode(templatePacket());
    const full = v9Packet(header, [set(256, concat(record(1), record(2), record(3)))]);
    const cut = full.subarray(0, full.length - 10);
    assert.equal(h.decode(cut), 2);
    assert.equal(h.stats.count('truncated'), 2, 'the flowset length and the cut record');
    assert.equal(h.flows.length, 2);
    assert.equal(h.row(1).l4_src_port, 2);
  });

  it('skips set padding and stops at a bad flowset length', () => {
    const h = new Harness();
    h.decode(templatePacket());
    assert.equal(h.decode(v9Packet(header, [set(256, record(1), 3), set(256, record(2))])), 2);
    assert.equal(h.stats.totalErrors(), 0);
    assert.equal(h.decode(concat(v9Packet(header, [set(256, record(4))]), uint(256, 2), uint(2, 2))), 1);
    assert.equal(h.stats.count('bad_length'), 1);
  });
});
