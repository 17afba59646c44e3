import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Dir, nonZero, SegmentFeeder } from '../../../../test/helpers/app-segments.js';
import { defaultHttpDecoderConfig, type HttpDecoderConfig } from './config.js';
import { HttpDecoder } from './decoder.js';
import type { HttpState } from './state.js';

const C = Dir.FromClient;
const S = Dir.FromServer;

type Feeder = SegmentFeeder<HttpState, HttpDecoder>;

function feeder(config: HttpDecoderConfig = defaultHttpDecoderConfig): Feeder {
  return new SegmentFeeder<HttpState, HttpDecoder>(new HttpDecoder(config));
}

function errors(f: Feeder): Record<string, number> {
  return nonZero(f.decoder.errors);
}

const request =
  'GET /search?q=flow+lens&page=2 HTTP/1.1\r\n' +
  'Host: example.com\r\n' +
  'User-Agent: test-agent/1.0\r\n' +
  'Accept: */*\r\n' +
  'Referer: http://example.com/start?session=abc\r\n' +
  '\r\n';
const response = 'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello';

/** The fields of `request` and `response`, read off the text above (query values as `*`). */
const expectedEvents = [
  ['app_protocol', 'http'],
  ['http_method', 'GET'],
  ['http_url', '/search?q=*&page=*'],
  ['http_status', 0],
  ['http_host', 'example.com'],
  ['http_ua', 'test-agent/1.0'],
  ['http_referer', 'http://example.com/start?session=*'],
  ['http_status', 200],
];

describe('HTTP decoder: messages across segments', () => {
  test('one request and its response', () => {
    const f = feeder();
    f.send(C, request);
    f.send(S, response);
    assert.deepEqual(f.sink.events, expectedEvents);
    assert.deepEqual(errors(f), {});
    assert.deepEqual(f.decoder.counts, { requests: 1, responses: 1, unreported_requests: 0 });
  });

  test('the same fields whatever two segments the messages are cut into', () => {
    for (let cut = 1; cut < request.length; cut++) {
      const f = feeder();
      f.split(C, request, [cut]);
      f.split(S, response, [Math.min(cut, response.length - 1)]);
      assert.deepEqual(f.sink.events, expectedEvents, `cut at ${cut}`);
      assert.deepEqual(errors(f), {}, `cut at ${cut}`);
    }
  });

  test('the same fields in three segments', () => {
    for (let a = 1; a < request.length; a += 7)
      for (let b = a + 1; b < request.length; b += 5) {
        const f = feeder();
        f.split(C, request, [a, b]);
        f.send(S, response);
        assert.deepEqual(f.sink.events, expectedEvents, `cuts at ${a}, ${b}`);
      }
  });

  test('a long header carried over many segments', () => {
    const agent = `agent/${'0123456789'.repeat(300)}`;
    const text = `GET / HTTP/1.1\r\nUser-Agent: ${agent}\r\nHost: h\r\n\r\n`;
    const f = feeder();
    f.split(C, text, [20, 21, 300, 700, 1500, 2900]);
    assert.deepEqual(f.values('http_ua'), [agent]);
    assert.deepEqual(f.values('http_host'), ['h']);
    assert.deepEqual(errors(f), {});
  });

  test('retransmitted and overlapping segments are read once', () => {
    const f = feeder();
    const start = f.seq[C]!;
    f.send(C, request.slice(0, 30));
    f.send(C, request.slice(0, 30), { seq: start }); // a retransmission
    f.send(C, request.slice(10, 60), { seq: start + 10 }); // overlaps the first, brings 30 new bytes
    f.seq[C] = start + 60;
    f.send(C, request.slice(60));
    f.send(C, request, { seq: start }); // the whole request again
    f.send(S, response);
    assert.deepEqual(f.sink.events, expectedEvents);
    assert.deepEqual(errors(f), {});
    assert.equal(f.decoder.counts.requests, 1);
  });

  test('pipelined requests pair with their responses; HEAD and 304 responses have no body', () => {
    const f = feeder();
    f.send(
      C,
      'GET /a HTTP/1.1\r\nHost: h\r\n\r\nHEAD /b HTTP/1.1\r\nHost: h\r\n\r\nGET /c HTTP/1.1\r\nHost: h\r\n\r\n',
    );
    // The HEAD response announces 50 bytes it does not send; the 304 has no body either.
    f.send(
      S,
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 404 Not Found\r\nContent-Length: 50\r\n\r\n',
    );
    f.send(S, 'HTTP/1.1 304 Not Modified\r\nContent-Length: 10\r\n\r\n');
    f.exported();
    f.send(C, 'POST /d HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody');
    f.send(S, 'HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n0\r\n\r\n');
    assert.deepEqual(f.values('http_url'), ['/a', '/d']);
    assert.deepEqual(f.values('http_status'), [0, 200, 0, 201]);
    assert.deepEqual(errors(f), {});
    assert.deepEqual(f.decoder.counts, { requests: 4, responses: 4, unreported_requests: 2 });
  });

  test('chunked bodies with extensions and trailers, in both directions, then the next message', () => {
    const f = feeder();
    const chunked = '5;name=value\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\n';
    f.split(
      C,
      `PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n${chunked}`,
      [70, 75, 90],
    );
    f.split(S, `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunked}`, [50, 51, 52, 60]);
    f.exported();
    f.send(C, 'GET /next HTTP/1.1\r\nHost: h\r\n\r\n');
    f.send(S, 'HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n');
    assert.deepEqual(f.values('http_url'), ['/up', '/next']);
    assert.deepEqual(f.values('http_status'), [0, 200, 0, 202]);
    assert.deepEqual(errors(f), {});
  });

  test('interim 1xx responses are skipped: the record gets the final status', () => {
    const f = feeder();
    f.send(C, 'POST /x HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n');
    f.send(S, 'HTTP/1.1 100 Continue\r\n\r\n');
    f.send(C, 'abc');
    f.send(
      S,
      'HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n\r\nHTTP/1.1 500 Oops\r\nContent-Length: 0\r\n\r\n',
    );
    assert.deepEqual(f.values('http_status'), [0, 500]);
    assert.deepEqual(f.decoder.counts, { requests: 1, responses: 1, unreported_requests: 0 });
  });

  test('after 101 Switching Protocols neither direction is read as HTTP', () => {
    const f = feeder();
    f.send(C, 'GET /ws HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    f.send(S, 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n\x81\x05hello');
    f.send(C, '\x81\x85\x00\x00\x00\x00hello');
    f.send(S, 'not http at all\r\n\r\n');
    assert.deepEqual(f.values('http_status'), [0, 101]);
    assert.deepEqual(errors(f), {});
  });

  test('a response delimited by the close: what follows is body', () => {
    const f = feeder();
    f.send(C, 'GET / HTTP/1.0\r\n\r\n');
    f.send(S, 'HTTP/1.0 200 OK\r\nServer: old\r\n\r\nbody');
    f.send(S, 'HTTP/1.1 500 looks like a response but is body\r\n\r\n');
    assert.deepEqual(f.values('http_status'), [0, 200]);
    assert.deepEqual(errors(f), {});
    assert.equal(f.decoder.counts.responses, 1);
  });

  test('a response to a request not seen gives the record its status', () => {
    const f = feeder();
    f.send(S, 'HTTP/1.1 503 Unavailable\r\nContent-Length: 0\r\n\r\n');
    f.send(S, 'HTTP/1.1 504 Timeout\r\nContent-Length: 0\r\n\r\n');
    assert.deepEqual(f.sink.events, [
      ['app_protocol', 'http'],
      ['http_status', 503],
    ]);
  });
});

describe('HTTP decoder: loss and snap length', () => {
  test('bytes lost inside a body are counted off: the next response is read', () => {
    const f = feeder();
    f.send(C, 'GET /a HTTP/1.1\r\nHost: h\r\n\r\n');
    f.send(S, `HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n${'a'.repeat(1000)}`);
    f.skip(S, 1000);
    f.send(S, 'c'.repeat(1000));
    f.send(S, `HTTP/1.1 200 OK\r\nContent-Length: 3000\r\n\r\n${'a'.repeat(1000)}`, { captured: 60 }); // snap length
    f.exported();
    f.send(C, 'GET /b HTTP/1.1\r\nHost: h\r\n\r\n');
    f.send(S, 'c'.repeat(2000));
    f.send(S, 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    assert.deepEqual(f.values('http_status'), [0, 200, 0, 404]);
    assert.deepEqual(errors(f), {});
  });

  test('bytes lost inside headers: counted, and reading resumes at the next request', () => {
    const f = feeder();
    f.send(C, 'GET /a HTTP/1.1\r\nHost: h');
    f.skip(C, 20);
    f.send(C, 'x: y\r\n\r\n');
    f.send(C, 'not a request line\r\n');
    f.exported();
    f.send(C, 'GET /b HTTP/1.1\r\nHost: i\r\n\r\n');
    assert.deepEqual(f.values('http_url'), ['/a', '/b']);
    assert.deepEqual(f.values('http_host'), ['i']);
    assert.deepEqual(errors(f), { gap: 1 });
  });

  test('a request cut by the snap length inside its headers', () => {
    const f = feeder();
    // The capture keeps the request line (41 bytes) and the Host line (19), not the rest.
    f.send(C, request, { captured: 60 });
    assert.deepEqual(f.values('http_url'), ['/search?q=*&page=*']);
    assert.deepEqual(f.values('http_host'), ['example.com']);
    assert.deepEqual(f.values('http_ua'), []);
    assert.deepEqual(errors(f), { gap: 1 });
  });

  test('a line longer than maxLine is counted; the next message is read', () => {
    const f = feeder({ ...defaultHttpDecoderConfig, maxLine: 100 });
    f.split(C, `GET /${'x'.repeat(150)} HTTP/1.1\r\nHost: h\r\n\r\n`, [60, 120]);
    f.send(C, `GET /ok HTTP/1.1\r\nCookie: ${'c'.repeat(200)}\r\nHost: h\r\n\r\n`);
    assert.deepEqual(f.values('http_url'), ['/ok']);
    assert.deepEqual(f.values('http_host'), ['h']);
    assert.deepEqual(errors(f), { line_too_long: 2 });
  });
});

describe('HTTP decoder: redaction options', () => {
  test('query values kept on request', () => {
    const f = feeder({ ...defaultHttpDecoderConfig, keepQueryValues: true });
    f.send(C, request);
    assert.deepEqual(f.values('http_url'), ['/search?q=flow+lens&page=2']);
    assert.deepEqual(f.values('http_referer'), ['http://example.com/start?session=abc']);
  });

  test('listed headers are redacted whole, in any case', () => {
    const f = feeder({ ...defaultHttpDecoderConfig, redactHeaders: ['User-Agent', 'REFERER'] });
    f.send(C, request);
    assert.deepEqual(f.values('http_ua'), ['*']);
    assert.deepEqual(f.values('http_referer'), ['*']);
    assert.deepEqual(f.values('http_host'), ['example.com']);
  });
});

describe('HTTP decoder: bad input is counted by reason', () => {
  const cases: { name: string; client?: string[]; server?: string[]; reason: string }[] = [
    { name: 'not HTTP', client: ['SSH-2.0-OpenSSH_9.2\r\n'], reason: 'not_message_start' },
    { name: 'HTTP/0.9 request', client: ['GET /\r\n'], reason: 'bad_request_line' },
    { name: 'no target', client: ['GET  HTTP/1.1\r\n'], reason: 'bad_request_line' },
    { name: 'HTTP/2 preface', client: ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'], reason: 'not_http1' },
    { name: 'status not digits', server: ['HTTP/1.1 2x0 OK\r\n\r\n'], reason: 'bad_status_line' },
    {
      name: 'Content-Length not a number',
      client: ['POST / HTTP/1.1\r\nContent-Length: 12a\r\n\r\n'],
      reason: 'bad_content_length',
    },
    {
      name: 'two Content-Lengths that differ',
      server: ['HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'],
      reason: 'bad_content_length',
    },
    {
      name: 'chunk size not hex',
      server: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
      reason: 'bad_chunk',
    },
    {
      name: 'chunk data longer than announced',
      server: ['HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n'],
      reason: 'bad_chunk',
    },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const f = feeder();
      for (const s of c.client ?? []) f.send(C, s);
      for (const s of c.server ?? []) f.send(S, s);
      assert.deepEqual(errors(f), { [c.reason]: 1 });
    });
  }

  test('more than 30 requests waiting for responses', () => {
    const f = feeder();
    f.send(C, 'GET / HTTP/1.1\r\n\r\n'.repeat(32));
    assert.deepEqual(errors(f), { too_many_pipelined: 2 });
  });
});
