import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import pg from 'pg';
import { freeTcpPort, freeUdpPort, tempDir } from './helpers/peers.js';
import { logMessages } from './helpers/server-log.js';
import { getStatus, postFlows, type ServerProcess, startServer } from './helpers/server-process.js';

/**
 * `flowlens server` stops everything it started on SIGTERM — listeners, client connections, the
 * demo exporter's sockets and timers, the store's timers, the query worker threads — so that the
 * process ends as soon as it has printed "stopped:". With FLOWLENS_DEBUG_HANDLES=1 it prints what
 * is still active once the command has returned (src/cli/debug-handles.ts); only the pipes of its
 * own stdout and stderr to this test may remain. (Waiting for the process from a shell that is not
 * its parent, e.g. polling `kill -0`, also counts the time until PID 1 reaps the zombie.)
 */

const MINUTE = 60_000;

function flowLine(minute: number, seq: number): string {
  return JSON.stringify({
    i_start_time: new Date(minute).toISOString(),
    i_device_id: 1,
    src_addr: `10.0.${seq >> 8}.${seq & 255}`,
    in_bytes: seq,
  });
}

// The timeout only keeps a server that never exits from hanging the run.
test('after SIGTERM the server leaves nothing running: no sockets, timers or worker threads', {
  timeout: 60_000,
}, async (t) => {
  const data = `${tempDir(t)}/data`;
  let server: ServerProcess | undefined;
  t.after(() => server?.child.kill('SIGKILL'));

  // First run: flows of an hour ago, sealed when it stops, so that the second run's query reads
  // them in its worker threads.
  server = await startServer(data);
  await server.ready();
  const base = Date.now() - (Date.now() % MINUTE) - 60 * MINUTE;
  const lines = Array.from({ length: 500 }, (_, i) => flowLine(base + (i % 3) * MINUTE, i));
  assert.equal((await postFlows(server.url, 'default', lines)).status, 200);
  assert.equal(await server.stop(), 0, server.stderr());

  const pgPort = await freeTcpPort();
  server = await startServer(data, {
    args: [
      '--demo',
      '--listen',
      '127.0.0.1',
      '--netflow-port',
      String(await freeUdpPort()),
      '--pg-port',
      String(pgPort),
    ],
    env: { FLOWLENS_DEBUG_HANDLES: '1' },
  });
  await server.ready();
  const client = new pg.Client({
    host: '127.0.0.1',
    port: pgPort,
    user: 'flowlens',
    password: 'flowlens',
    database: 'flowlens',
  });
  const errors: string[] = [];
  client.on('error', (err: Error & { code?: string }) => errors.push(err.code ?? err.message));
  await client.connect();
  const result = await client.query(
    "SELECT count(*) AS n FROM all_devices WHERE i_start_time < now() - interval '30 minutes'",
  );
  assert.equal(Number(result.rows[0].n), lines.length);
  const status = await getStatus(server.url);
  assert.ok(status.engine.workers.jobsRun > 0, 'the query ran in the worker threads');
  assert.ok(status.engine.workers.live > 0, 'and they are still there');

  // The session stays open across the SIGTERM, as a psql left connected would.
  const sessionEnded = new Promise((resolve) => client.once('end', resolve));
  const exited = once(server.child, 'exit');
  server.child.kill('SIGTERM');
  const [code, signal] = await exited;
  assert.equal(code, 0, server.stderr());
  assert.equal(signal, null);
  await sessionEnded;
  assert.equal(errors[0], '57P01', 'terminating connection due to administrator command');
  await server.exited; // all of stderr read

  const report = /flowlens: active after the command: (.*)/.exec(server.stderr());
  assert.ok(report !== null, server.stderr());
  const active = JSON.parse(report[1]!) as string[];
  assert.deepEqual(
    active.filter((r) => r !== 'PipeWrap'),
    [],
    'only the stdio pipes to this test remain',
  );
  assert.ok(active.length <= 2, report[1]);
  assert.match(logMessages(server.stderr()), /stopped: /);
});
