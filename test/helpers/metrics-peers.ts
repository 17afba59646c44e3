import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freeTcpPort, type Peer, startPeer, tempDir } from './peers.js';

/** Real metrics receivers for the exporter tests: Prometheus and VictoriaMetrics (Debian packages). */

/** Polls an async probe until it returns a value; throws naming `what` at the deadline. */
export async function until<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface Prometheus {
  readonly peer: Peer;
  readonly url: string;
  /** GET /api/v1/query: the instant vector of `expr` (empty while nothing matches). */
  query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]>;
}

/**
 * A Prometheus of its own (config and TSDB in a temporary directory, web API on a free loopback
 * port) scraping each job's targets every second; stopped by PID when the test ends.
 */
export async function startPrometheus(t: TestContext, jobs: Record<string, string[]>): Promise<Prometheus> {
  const dir = tempDir(t, 'flowlens-prometheus-');
  const scrapeConfigs = Object.entries(jobs)
    .map(
      ([job, targets]) =>
        `  - job_name: ${job}\n    static_configs:\n      - targets: [${targets.map((x) => `'${x}'`).join(', ')}]\n`,
    )
    .join('');
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    `global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\nscrape_configs:\n${scrapeConfigs}`,
  );
  const port = await freeTcpPort();
  const peer = startPeer(
    t,
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    dir,
  );
  t.after(() => peer.stop());
  await peer.waitForOutput('Server is ready to receive web requests', 15_000);
  const url = `http://127.0.0.1:${port}`;
  return {
    peer,
    url,
    async query(expr) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expr)}`);
      const body = (await res.json()) as { status: string; data: { result: [] }; error?: string };
      if (body.status !== 'success') throw new Error(`prometheus query ${expr}: ${body.error}`);
      return body.data.result;
    },
  };
}

export interface VictoriaMetrics {
  readonly peer: Peer;
  readonly url: string;
  /**
   * GET /api/v1/export: every raw series matching the selector. Flushes VictoriaMetrics's
   * in-memory buffers first (/internal/force_flush): otherwise new points become visible only
   * after its ~10 s flush.
   */
  export(
    selector: string,
  ): Promise<{ metric: Record<string, string>; values: number[]; timestamps: number[] }[]>;
}

/** Free loopback ports for VictoriaMetrics' HTTP API and its OpenTSDB telnet and HTTP listeners. */
export async function victoriaPorts(): Promise<{ http: number; telnet: number; opentsdbHttp: number }> {
  return { http: await freeTcpPort(), telnet: await freeTcpPort(), opentsdbHttp: await freeTcpPort() };
}

/** VictoriaMetrics (single node) with its data in a temporary directory, stopped by PID. */
export function startVictoriaMetrics(
  t: TestContext,
  ports: { http: number; telnet: number; opentsdbHttp: number },
): VictoriaMetrics {
  const dir = tempDir(t, 'flowlens-victoria-');
  const peer = startPeer(
    t,
    'victoria-metrics',
    [
      `-storageDataPath=${join(dir, 'data')}`,
      `-httpListenAddr=127.0.0.1:${ports.http}`,
      `-opentsdbListenAddr=127.0.0.1:${ports.telnet}`,
      `-opentsdbHTTPListenAddr=127.0.0.1:${ports.opentsdbHttp}`,
    ],
    dir,
  );
  t.after(() => peer.stop());
  const url = `http://127.0.0.1:${ports.http}`;
  return {
    peer,
    url,
    async export(selector) {
      await fetch(`${url}/internal/force_flush`);
      const res = await fetch(`${url}/api/v1/export?${new URLSearchParams({ 'match[]': selector })}`);
      if (res.status !== 200) throw new Error(`victoria-metrics export: ${res.status} ${await res.text()}`);
      const text = await res.text();
      return text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l));
    },
  };
}
