import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Dir, nonZero, SegmentFeeder } from '../../../../test/helpers/app-segments.js';
import { clientHello, records, serverHello } from '../../../../test/helpers/tls-craft.js';
import { defaultTlsDecoderConfig, type TlsDecoderConfig } from './config.js';
import { startsClientHello, TlsDecoder } from './decoder.js';
import type { TlsState } from './state.js';

const C = Dir.FromClient;
const S = Dir.FromServer;
type Feeder = SegmentFeeder<TlsState, TlsDecoder>;

function feeder(config: TlsDecoderConfig = defaultTlsDecoderConfig): Feeder {
  return new SegmentFeeder<TlsState, TlsDecoder>(new TlsDecoder(config));
}

const hello = records(clientHello({ serverName: 'api.example.com' }));
const tls12 = records(serverHello({ version: 0x0303, cipher: 0xc02f }), 16384, 22, 0x0303);
const helloEvents = [
  ['app_protocol', 'tls'],
  ['tls_server_name', 'api.example.com'],
];
const tls12Events = [
  ['app_protocol', 'tls'],
  ['tls_version', 0x0303],
  ['tls_cipher', 0xc02f],
];

describe('TLS decoder: hellos', () => {
  test('ClientHello and a TLS 1.2 ServerHello, each in one segment', () => {
    const f = feeder();
    f.send(C, hello);
    f.send(S, tls12);
    assert.deepEqual(f.sink.events, [...helloEvents, ...tls12Events]);
    assert.deepEqual(nonZero(f.decoder.errors), {});
  });

  test('TLS 1.3: the version is supported_versions’ selection, not the legacy field', () => {
    const f = feeder();
    f.send(S, records(serverHello({ version: 0x0303, cipher: 0x1301, selected: 0x0304 })));
    assert.deepEqual(f.values('tls_version'), [0x0304]);
    assert.deepEqual(f.values('tls_cipher'), [0x1301]);
  });

  test('a ServerHello without extensions (TLS 1.0)', () => {
    const f = feeder();
    f.send(S, records(serverHello({ version: 0x0301, cipher: 0x002f, noExtensions: true })));
    assert.deepEqual(f.values('tls_version'), [0x0301]);
  });

  test('a ClientHello without server_name', () => {
    const f = feeder();
    f.send(C, records(clientHello()));
    assert.deepEqual(f.sink.events, [['app_protocol', 'tls']]);
  });

  test('the same fields whatever two segments, and whatever records, the hello is cut into', () => {
    for (const fragment of [16384, 100, 7, 1]) {
      const stream = records(clientHello({ serverName: 'api.example.com' }), fragment);
      for (let cut = 1; cut < stream.length; cut += fragment === 1 ? 13 : 1) {
        const f = feeder();
        f.split(C, stream, [cut]);
        assert.deepEqual(f.sink.events, helloEvents, `records of ${fragment}, cut at ${cut}`);
        assert.deepEqual(nonZero(f.decoder.errors), {});
      }
    }
  });

  test('a large ClientHello over several segments, its name after 6000 bytes of padding', () => {
    const f = feeder();
    f.split(
      C,
      records(clientHello({ serverName: 'late.example.com', padding: 6000 })),
      [1400, 2800, 4200, 5600],
    );
    assert.deepEqual(f.values('tls_server_name'), ['late.example.com']);
  });

  test('a retransmitted hello is read once; later records cost nothing', () => {
    const f = feeder();
    const start = f.seq[C]!;
    f.split(C, hello, [40]);
    f.send(C, hello, { seq: start });
    f.send(C, records(new Uint8Array(50), 16384, 23)); // application data
    assert.deepEqual(f.sink.events, helloEvents);
  });

  test('fields are written again into the record after an export', () => {
    const f = feeder();
    f.send(C, hello);
    f.send(S, tls12);
    f.exported();
    f.send(C, records(new Uint8Array(50), 16384, 23));
    assert.deepEqual(f.sink.events, [
      ...helloEvents,
      ...tls12Events,
      ['app_protocol', 'tls'],
      ['tls_server_name', 'api.example.com'],
      ['tls_version', 0x0303],
      ['tls_cipher', 0xc02f],
    ]);
  });

  test('content detection: a ClientHello record, not HTTP', () => {
    assert.equal(startsClientHello(hello, 0, hello.length), true);
    assert.equal(startsClientHello(tls12, 0, tls12.length), false);
    const get = Buffer.from('GET / HTTP/1.1\r\n');
    assert.equal(startsClientHello(get, 0, get.length), false);
  });
});

describe('TLS decoder: bad input is counted by reason', () => {
  const badName = clientHello({ serverName: 'bad\x01name' });
  const truncated = clientHello({ serverName: 'x.example' });
  truncated[4 + 2 + 32 + 1 + 32 + 1] = 0xff; // cipher suites' length runs past the message
  const cases: { name: string; dir: Dir; data: Uint8Array; reason: string; config?: TlsDecoderConfig }[] = [
    {
      name: 'application data first',
      dir: C,
      data: records(new Uint8Array(40), 16384, 23),
      reason: 'midstream',
    },
    { name: 'not a record', dir: C, data: Buffer.from('GET / HTTP/1.1\r\n\r\n'), reason: 'not_tls' },
    {
      name: 'an alert first',
      dir: S,
      data: records(Uint8Array.of(2, 40), 16384, 21),
      reason: 'not_handshake',
    },
    { name: 'a ServerHello from the client', dir: C, data: tls12, reason: 'unexpected_handshake' },
    {
      name: 'a hello over maxHello',
      dir: C,
      data: records(clientHello({ padding: 3000 })),
      reason: 'hello_too_long',
      config: { ...defaultTlsDecoderConfig, maxHello: 2000 },
    },
    { name: 'lengths past the end', dir: C, data: records(truncated), reason: 'bad_client_hello' },
    { name: 'a control character in the name', dir: C, data: records(badName), reason: 'bad_server_name' },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const f = feeder(c.config);
      f.send(c.dir, c.data);
      assert.deepEqual(nonZero(f.decoder.errors), { [c.reason]: 1 });
      assert.deepEqual(f.values('tls_server_name'), []);
    });
  }

  test('bytes of the hello lost, or cut by the snap length', () => {
    const f = feeder();
    f.send(C, hello.subarray(0, 30));
    f.skip(C, 20);
    f.send(C, hello.subarray(50));
    f.send(S, tls12, { captured: 40 });
    assert.deepEqual(nonZero(f.decoder.errors), { gap: 2 });
    assert.deepEqual(f.sink.events, []);
  });
});
