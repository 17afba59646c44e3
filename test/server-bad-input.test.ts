import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { errorFields, int32, RawClient } from './helpers/pg-raw-client.js';
import {
  type PgServerProcess,
  psqlAt,
  psqlFile,
  restQuery,
  startPgServerProcess,
  statusWhen,
} from './helpers/pg-server-process.js';
import { runClient } from './helpers/pg-test-server.js';
import { logMessages } from './helpers/server-log.js';
import { authHeader } from './helpers/server-process.js';

/**
 * Bad input through the real `flowlens server`: wrong and unsupported SQL, oversized and
 * over-nested statements, a range past the rows limit, a statement timeout, a client that leaves
 * mid-query, a CancelRequest, garbage on the wire port. Each gets a clear SQLSTATE (the same
 * through psql and REST) or a closed connection, and the server keeps serving.
 */

const MINUTE = 60_000;
const rows = 100_000;
const devices = 2;
/**
 * Rows are spread over this many minutes (the last ones): 5000 per minute and device, so each job
 * runs on a worker thread (the runtime runs jobs of up to 4096 open rows on the main thread).
 */
const minutes = 10;
/** Below `rows` (all_devices over ten years is over the limit), above a device's or five minutes' rows. */
const maxRowsScanned = 80_000;

/** Posts `rows` flows of `devices` devices (r1, r2) over the last `minutes` minutes; returns the last. */
async function postFlows(url: string): Promise<number> {
  const now = Math.floor(Date.now() / MINUTE) * MINUTE;
  const lines: string[] = [];
  for (let i = 0; i < rows; i++) {
    const a = Math.imul(i + 1, 2654435761) >>> 0;
    const device = 1 + (Math.floor(i / minutes) % devices); // every (minute, device) gets as many rows
    lines.push(
      JSON.stringify({
        i_start_time: now - (i % minutes) * MINUTE,
        i_device_id: device,
        i_device_name: `r${device}`,
        src_addr: `10.${a >>> 24}.${(a >>> 16) & 255}.${a & 255}`,
        dst_addr: `192.0.2.${i % 251}`,
        l4_src_port: a & 65535,
        l4_dst_port: 443,
        protocol: 6,
        in_pkts: 1 + (i % 17),
        src_as: 64500 + (i % 37),
      }),
    );
  }
  const res = await fetch(`${url}/api/v1/flows`, {
    method: 'POST',
    headers: { authorization: authHeader(), 'content-encoding': 'gzip' },
    body: gzipSync(lines.join('\n')),
  });
  assert.equal(res.status, 200, await res.text());
  return now;
}

/**
 * A query that takes seconds over these rows (exact distinct counts of text built per row), over
 * the last five minutes (under the rows limit); `tag` makes each use a new statement.
 */
function slowQuery(tag: string): string {
  const counts = Array.from(
    { length: 24 },
    (_, k) => `count(DISTINCT concat(src_addr::text, '/${tag}${k}/', l4_src_port::text))`,
  );
  return `SELECT ${counts.join(', ')} FROM all_devices WHERE i_start_time >= now() - interval '5 minutes'`;
}

const engineOf = (s: PgServerProcess) =>
  statusWhen(s.server.url, () => true, 'status').then((st) => st.engine);

test('bad input through flowlens server: clear errors, cancelled queries, closed connections; others served', async (t) => {
  const srv = await startPgServerProcess(t, {
    config: { maxRowsScanned, queryWorkers: 2, pgAuth: 'password' },
  });
  const { server, pgPort } = srv;
  const lastMinute = await postFlows(server.url);

  await t.test(
    'the same SQLSTATE through psql and REST for wrong, unsupported, huge and deep SQL',
    async (t) => {
      const inList = Array.from({ length: 100_001 }, (_, i) => i).join(',');
      const cases: [string, string, string, RegExp][] = [
        ['a syntax error', 'SELEC src_as FROM all_devices', '42601', /syntax error at or near "SELEC"/],
        ['an unknown column', 'SELECT nosuch FROM all_devices', '42703', /column "nosuch" does not exist/],
        ['a JOIN', 'SELECT * FROM all_devices a JOIN devices d ON a.i_device_id = d.id', '0A000', /joins/],
        [
          'a subquery',
          'SELECT count(*) FROM all_devices WHERE src_as IN (SELECT src_as FROM all_devices)',
          '0A000',
          /subqueries/,
        ],
        ['an INSERT', 'INSERT INTO devices VALUES (1)', '0A000', /INSERT is not supported/],
        [
          'an IN list of 100 001 items',
          `SELECT count(*) FROM all_devices WHERE src_as IN (${inList})`,
          '54001',
          /IN list has 100001 items/,
        ],
        ['5000 nested parentheses', `SELECT ${'('.repeat(5000)}1${')'.repeat(5000)}`, '54001', /too complex/],
        [
          'a sum of 20 000 terms',
          `SELECT ${Array(20_000).fill('in_pkts').join(' + ')} FROM all_devices`,
          '54001',
          /too complex/,
        ],
      ];
      for (const [what, sql, code, message] of cases) {
        const p = await psqlFile(t, pgPort, sql);
        assert.equal(p.code, 3, `${what}: psql exits 3 on an error in a script: ${p.stdout}`);
        assert.match(p.stderr, new RegExp(`ERROR: {2}${code}: `), what);
        assert.match(p.stderr, message, what);
        const r = await restQuery(server.url, sql);
        assert.equal(r.status, 400, what);
        assert.equal(r.code, code, what);
      }
      // `--` starts a comment: this is `SELECT` of no columns, one row (psql prints `--`, `(1 row)`).
      const none = await psqlAt(pgPort, 'SELECT -----1');
      assert.deepEqual([none.code, none.stderr], [0, '']);
      const engine = await engineOf(srv);
      assert.equal(engine.running, 0);
    },
  );

  await t.test(
    'ten years of range: all_devices is over the rows limit (53400), a device table answers',
    async () => {
      const tenYears = "WHERE i_start_time >= now() - interval '10 years'";
      const all = await psqlAt(pgPort, `SELECT count(*) FROM all_devices ${tenYears}`);
      assert.equal(all.code, 1);
      assert.match(
        all.stderr,
        new RegExp(`query would scan ${rows} rows, over the limit of ${maxRowsScanned} rows`),
      );
      const r = await restQuery(server.url, `SELECT count(*) FROM all_devices ${tenYears}`);
      assert.equal(r.status, 429);
      assert.equal(r.code, '53400');
      const one = await psqlAt(pgPort, `SELECT count(*) FROM r1 ${tenYears}`);
      assert.equal(one.code, 0, one.stderr);
      assert.equal(one.stdout.trim(), String(rows / devices));
    },
  );

  await t.test('statement_timeout cancels a long query with 57014', async () => {
    const before = await engineOf(srv);
    const args = ['-X', '-h', '127.0.0.1', '-p', String(pgPort), '-U', 'flowlens', 'flowlens'];
    const r = await runClient('psql', [
      ...args,
      '-v',
      'VERBOSITY=verbose',
      '-c',
      "SET statement_timeout = '200ms'",
      '-c',
      slowQuery('timeout'),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /ERROR: {2}57014: canceling statement due to statement timeout/);
    const after = await engineOf(srv);
    assert.equal(after.timedOut, before.timedOut + 1);
  });

  await t.test(
    'a client that disconnects mid-query: its query is cancelled; another client is served meanwhile',
    async () => {
      const before = await engineOf(srv);
      const leaving = await RawClient.login(pgPort);
      leaving.query(slowQuery('leave'));
      await statusWhen(server.url, (s) => s.engine.running === 1, 'the slow query to run');
      // One job (a minute of a device) against the slow query's ten: the pool takes the queries'
      // jobs in turn, so this one is answered after at most one of the slow query's jobs per worker.
      const minute = new Date(lastMinute).toISOString();
      const other = await psqlAt(pgPort, `SELECT count(*) FROM r2 WHERE i_start_time = '${minute}'`);
      assert.equal(other.code, 0, other.stderr);
      assert.equal(other.stdout.trim(), String(rows / devices / minutes));
      assert.equal((await engineOf(srv)).running, 1, 'the slow query still runs');
      leaving.close();
      const after = await statusWhen(
        server.url,
        (s) => s.engine.running === 0 && s.engine.canceled === before.canceled + 1,
        'the query to be cancelled',
      );
      assert.equal(after.engine.errors['57014'], (before.errors['57014'] ?? 0) + 1);
      assert.equal(after.engine.flowQueries, before.flowQueries + 2, 'nothing else ran');
    },
  );

  await t.test(
    'a CancelRequest (node-postgres Client.cancel) ends the running query with 57014',
    async (t) => {
      const config = {
        host: '127.0.0.1',
        port: pgPort,
        user: 'flowlens',
        password: 'flowlens',
        database: 'flowlens',
      };
      const client = new pg.Client(config);
      client.on('error', () => {});
      await client.connect();
      t.after(() => client.end().catch(() => {}));
      const before = await engineOf(srv);
      const query = new pg.Query(slowQuery('cancel'));
      const outcome = new Promise<void>((resolve, reject) => {
        query.on('end', () => resolve());
        query.on('error', reject);
      });
      client.query(query);
      await statusWhen(server.url, (s) => s.engine.running === 1, 'the slow query to run');
      // node-postgres's cancel: a new connection carrying the CancelRequest with the session's key.
      const canceller = new pg.Client({ host: '127.0.0.1', port: pgPort }) as unknown as {
        cancel(client: pg.Client, query: pg.Query): void;
      };
      canceller.cancel(client, query);
      await assert.rejects(outcome, { code: '57014', message: 'canceling statement due to user request' });
      assert.equal((await engineOf(srv)).canceled, before.canceled + 1);
      assert.deepEqual((await client.query('SELECT count(*) AS n FROM r1')).rows, [
        { n: String(rows / devices) },
      ]);
    },
  );

  await t.test(
    'garbage bytes on the wire port: FATAL 08P01 or a close; the server keeps serving',
    async () => {
      const attacks = [
        Buffer.from('GET / HTTP/1.1\r\nHost: flowlens\r\n\r\n'),
        Buffer.from([0xff, 0xfe, 0xfd, 0xfc, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07]),
        Buffer.concat([int32(8), int32(0x12345678)]),
        Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 255)),
      ];
      for (const bytes of attacks) {
        const c = await RawClient.open(pgPort);
        c.write(bytes);
        const m = await c.next().catch(() => undefined);
        if (m !== undefined) {
          assert.equal(m.type, 'E');
          assert.deepEqual([errorFields(m).S, errorFields(m).C], ['FATAL', '08P01']);
        }
        await c.closedByServer();
      }
      const logged = await RawClient.login(pgPort);
      logged.write(Buffer.concat([Buffer.from('Q'), int32(0x40000000)])); // a 1 GiB message announced
      assert.equal(errorFields(await logged.next()).C, '08P01');
      await logged.closedByServer();
      const ok = await psqlAt(pgPort, 'SELECT count(*) FROM r1');
      assert.equal(ok.stdout.trim(), String(rows / devices));
    },
  );

  await t.test(
    'SIGTERM with a query running: the client is told 57P01, the server stops cleanly',
    async (t) => {
      const client = new pg.Client({
        host: '127.0.0.1',
        port: pgPort,
        user: 'flowlens',
        password: 'flowlens',
        database: 'flowlens',
      });
      client.on('error', () => {});
      await client.connect();
      t.after(() => client.end().catch(() => {}));
      const rejected = assert.rejects(client.query(slowQuery('sigterm')), {
        code: '57P01',
        message: 'terminating connection due to administrator command',
      });
      await statusWhen(server.url, (s) => s.engine.running === 1, 'the slow query to run');
      const code = await server.stop();
      await rejected;
      assert.equal(code, 0, server.stderr());
      assert.match(logMessages(server.stderr()), /SIGTERM: stopping/);
      assert.match(logMessages(server.stderr()), /stopped: /);
    },
  );
});
