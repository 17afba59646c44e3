import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  concat,
  dataRecord,
  type FieldSpec,
  Harness,
  ipfixPacket,
  ipv4,
  set,
  templateRecord,
} from '../../../test/helpers/netflow-packets.js';
import { buildTemplate, MAX_TEMPLATES_PER_DOMAIN } from './template-set.js';

const fields: FieldSpec[] = [
  { id: 8, length: 4 },
  { id: 82, length: 0xffff },
  { id: 7, length: 2 },
];

describe('templates', () => {
  it('refuses templates whose records could have no length', () => {
    const spec = { id: 256, version: 10, options: false, scopeCount: 0 };
    assert.equal(typeof buildTemplate({ ...spec, fields: [{ id: 1, length: 0, pen: 0 }] }), 'string');
    assert.equal(typeof buildTemplate({ ...spec, fields: [] }), 'string');
    assert.equal(
      typeof buildTemplate({ ...spec, id: 255, fields: [{ id: 1, length: 4, pen: 0 }] }),
      'string',
    );
    assert.equal(
      typeof buildTemplate({ ...spec, version: 9, fields: [{ id: 1, length: 0xffff, pen: 0 }] }),
      'string',
    );
    const ok = buildTemplate({ ...spec, fields: [{ id: 1, length: 0xffff, pen: 0 }] });
    assert.ok(typeof ok !== 'string' && ok.minLength === 1 && ok.fixedLength === 0);
  });

  it('shares one compiled decoder between exporters with the same layout', () => {
    const a = new Harness();
    const b = new Harness(undefined);
    const packet = ipfixPacket({}, [set(2, templateRecord(256, fields, true))]);
    a.decode(packet);
    b.decode(packet);
    const ta = a.exporter.domain(10, 0).templates.get(256)!;
    const tb = b.exporter.domain(10, 0).templates.get(256)!;
    assert.notEqual(ta, tb);
    assert.equal(ta.decoder, tb.decoder);
  });

  it('does not count an identical resend as a change', () => {
    const h = new Harness();
    const packet = ipfixPacket({}, [set(2, templateRecord(256, fields, true))]);
    h.decode(packet);
    const version = h.exporter.templatesVersion;
    h.decode(packet);
    assert.equal(h.exporter.templatesVersion, version);
    h.decode(ipfixPacket({}, [set(2, templateRecord(256, fields.slice(1), true))]));
    assert.equal(h.exporter.templatesVersion, version + 1);
  });

  it('limits the templates of one domain', () => {
    const h = new Harness();
    const records = [];
    for (let id = 256; id < 256 + MAX_TEMPLATES_PER_DOMAIN + 5; id++)
      records.push(templateRecord(id, [{ id: 8, length: 4 }], true));
    for (let i = 0; i < records.length; i += 100)
      h.decode(ipfixPacket({}, [set(2, concat(...records.slice(i, i + 100)))]));
    assert.equal(h.exporter.domain(10, 0).templates.size, MAX_TEMPLATES_PER_DOMAIN);
    assert.equal(h.stats.count('too_many_templates'), 5);
  });

  it('keeps the variable-length records before one cut in the middle', () => {
    const h = new Harness();
    const rec = (port: number) => dataRecord(fields, [ipv4('10.0.0.1'), new Uint8Array(port), port]);
    const body = concat(rec(3), rec(4), rec(5));
    const cut = body.subarray(0, body.length - 3);
    const packet = ipfixPacket({}, [set(2, templateRecord(256, fields, true)), set(256, cut)]);
    assert.equal(h.decode(packet), 2);
    assert.equal(h.stats.count('truncated'), 1);
    assert.equal(h.flows.length, 2);
    assert.equal(h.row(1).l4_src_port, 4);
    assert.equal(h.row(2).l4_src_port, 0, 'nothing written past the last whole record');
  });
});
