/** Hand-made hostile packets: template loops, zero-length fields, huge counts, impossible lengths. */
export interface Crafted {
  readonly name: string;
  /** Decoded in order with one exporter (templates first). */
  readonly packets: Uint8Array[];
}

class Bytes {
  private readonly parts: number[] = [];
  u8(v: number): this {
    this.parts.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v >>> 8).u8(v);
  }
  u32(v: number): this {
    return this.u16(v >>> 16).u16(v & 0xffff);
  }
  zeros(n: number): this {
    for (let i = 0; i < n; i++) this.u8(0);
    return this;
  }
  done(): Uint8Array {
    return Uint8Array.from(this.parts);
  }
}

const v9Header = (count: number, seq = 0) =>
  new Bytes().u16(9).u16(count).u32(1000).u32(1_767_225_600).u32(seq).u32(1);
/** An IPFIX message with `body` after the header; `length` overrides the header's length. */
const ipfix = (body: Uint8Array, length?: number) => {
  const b = new Bytes()
    .u16(10)
    .u16(length ?? 16 + body.length)
    .u32(1_767_225_600)
    .u32(0)
    .u32(1)
    .done();
  return Uint8Array.from([...b, ...body]);
};
const set = (id: number, body: Bytes | Uint8Array, length?: number) => {
  const bytes = body instanceof Bytes ? body.done() : body;
  return Uint8Array.from([
    ...new Bytes()
      .u16(id)
      .u16(length ?? 4 + bytes.length)
      .done(),
    ...bytes,
  ]);
};
const cat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

function sflowHeader(samples: number): Bytes {
  return new Bytes().u32(5).u32(1).u32(0xc0000201).u32(0).u32(1).u32(1000).u32(samples);
}

export function craftedPackets(): Crafted[] {
  const zeroFields = new Bytes().u16(300).u16(3).u16(8).u16(0).u16(12).u16(0).u16(1).u16(0);
  const noFields = new Bytes().u16(301).u16(0);
  const data = (id: number, n: number) => set(id, new Bytes().zeros(n));
  const huge = new Bytes().u16(302).u16(65535);
  for (let i = 0; i < 100; i++) huge.u16(1).u16(4);
  const varOnly = new Bytes().u16(303).u16(1).u16(96).u16(0xffff);
  const varData = new Bytes();
  for (let i = 0; i < 200; i++) varData.u8(0); // 200 records of one empty string each
  const varHuge = new Bytes().u8(255).u16(0xffff).zeros(8);
  const out: Crafted[] = [
    {
      name: 'v9 template of zero-length fields (record length 0), then data',
      packets: [cat(v9Header(1).done(), set(0, zeroFields)), cat(v9Header(1, 1).done(), data(300, 1200))],
    },
    {
      name: 'v9 template with no fields, then data',
      packets: [cat(v9Header(1).done(), set(0, noFields)), cat(v9Header(1, 1).done(), data(301, 400))],
    },
    {
      name: 'v9 template announcing 65535 fields',
      packets: [cat(v9Header(1).done(), set(0, huge)), cat(v9Header(1, 1).done(), data(302, 400))],
    },
    {
      name: 'v9 options template with zero scope and option lengths, then data',
      packets: [
        cat(v9Header(1).done(), set(1, new Bytes().u16(304).u16(0).u16(0))),
        cat(v9Header(1, 1).done(), data(304, 100)),
      ],
    },
    { name: 'v9 count 65535, one empty set', packets: [cat(v9Header(65535).done(), set(256, new Bytes()))] },
    ...[0, 1, 2, 3].map((len) => ({
      name: `v9 set length ${len} (smaller than the set header)`,
      packets: [cat(v9Header(1).done(), set(0, zeroFields, len))],
    })),
    ...[0, 1, 2, 3].map((len) => ({
      name: `IPFIX set length ${len}`,
      packets: [ipfix(set(2, noFields, len))],
    })),
    ...[0, 4, 15, 65535].map((len) => ({
      name: `IPFIX message length ${len}`,
      packets: [ipfix(set(2, noFields), len)],
    })),
    {
      name: 'IPFIX template of zero-length fields, then data',
      packets: [ipfix(set(2, zeroFields)), ipfix(data(300, 1000))],
    },
    {
      name: 'IPFIX variable-length field only: 200 empty strings, then a 65535-byte length',
      packets: [ipfix(set(2, varOnly)), ipfix(set(303, varData)), ipfix(set(303, varHuge))],
    },
    {
      name: 'IPFIX options template with scope count > field count and 0',
      packets: [
        ipfix(set(3, new Bytes().u16(305).u16(1).u16(5).u16(149).u16(4))),
        ipfix(set(3, new Bytes().u16(306).u16(1).u16(0).u16(149).u16(4))),
        ipfix(cat(data(305, 8), data(306, 8))),
      ],
    },
    {
      name: 'IPFIX template withdrawal of every template (id 2, count 0) and of unknown ids',
      packets: [ipfix(set(2, new Bytes().u16(2).u16(0).u16(65535).u16(0)))],
    },
    {
      name: 'NetFlow v5 count 65535',
      packets: [
        new Bytes()
          .u16(5)
          .u16(65535)
          .zeros(20 + 48 * 2)
          .done(),
      ],
    },
    { name: 'NetFlow v5 count 0', packets: [new Bytes().u16(5).u16(0).zeros(20).done()] },
    { name: 'sFlow 2^32-1 samples', packets: [sflowHeader(0xffffffff).u32(1).u32(0).done()] },
    {
      name: 'sFlow flow sample with 2^32-1 records and a zero-length record',
      packets: [
        sflowHeader(1)
          .u32(1)
          .u32(40)
          .u32(1)
          .u32(3)
          .u32(100)
          .u32(100)
          .u32(0)
          .u32(1)
          .u32(2)
          .u32(0xffffffff)
          .u32(1)
          .u32(0)
          .done(),
      ],
    },
    {
      name: 'sFlow raw header record with header length 2^32-1',
      packets: [
        sflowHeader(1)
          .u32(1)
          .u32(56)
          .u32(1)
          .u32(3)
          .u32(100)
          .u32(100)
          .u32(0)
          .u32(1)
          .u32(2)
          .u32(1)
          .u32(1)
          .u32(16)
          .u32(1)
          .u32(64)
          .u32(4)
          .u32(0xffffffff)
          .done(),
      ],
    },
    {
      name: 'sFlow extended gateway with 2^32-1 AS path segments and communities',
      packets: [
        sflowHeader(1)
          .u32(1)
          .u32(72)
          .u32(1)
          .u32(3)
          .u32(100)
          .u32(100)
          .u32(0)
          .u32(1)
          .u32(2)
          .u32(1)
          .u32(1003)
          .u32(32)
          .u32(1)
          .u32(0x0a000001)
          .u32(65000)
          .u32(65001)
          .u32(65002)
          .u32(0xffffffff)
          .u32(0xffffffff)
          .u32(0xffffffff)
          .done(),
      ],
    },
    {
      name: 'sFlow counter sample with 2^32-1 records and a sample length past the end',
      packets: [sflowHeader(2).u32(2).u32(12).u32(1).u32(3).u32(0xffffffff).u32(2).u32(0xfffffff0).done()],
    },
    { name: 'sFlow IPv6 agent, truncated header', packets: [new Bytes().u32(5).u32(2).zeros(10).done()] },
    { name: 'sFlow unknown agent address type', packets: [new Bytes().u32(5).u32(7).zeros(40).done()] },
  ];
  return out;
}
