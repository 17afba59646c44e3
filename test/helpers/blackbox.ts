import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { freeTcpPort, startPeer, tempDir, waitForTcpPort } from './peers.js';
import { PrometheusSamples } from './prometheus-samples.js';

export interface Blackbox {
  /** One `/probe?module=…&target=…` scrape, parsed. */
  probe(module: string, target: string): Promise<PrometheusSamples>;
  stop(): Promise<unknown>;
}

/**
 * Prometheus blackbox_exporter (Debian's prometheus-blackbox-exporter) on a loopback port of its
 * own with `modules` as its configuration (YAML being a superset of JSON, written as JSON).
 * Stopped by PID when the test ends.
 */
export async function startBlackbox(t: TestContext, modules: Record<string, unknown>): Promise<Blackbox> {
  const dir = tempDir(t, 'flowlens-blackbox-');
  const config = join(dir, 'blackbox.yml');
  writeFileSync(config, JSON.stringify({ modules }, null, 1));
  const port = await freeTcpPort();
  const peer = startPeer(t, 'prometheus-blackbox-exporter', [
    `--config.file=${config}`,
    `--web.listen-address=127.0.0.1:${port}`,
  ]);
  await waitForTcpPort(port);
  return {
    async probe(module, target) {
      const url = `http://127.0.0.1:${port}/probe?module=${module}&target=${encodeURIComponent(target)}`;
      const res = await fetch(url);
      const text = await res.text();
      if (res.status !== 200) throw new Error(`blackbox ${url}: ${res.status} ${text}`);
      return new PrometheusSamples(text);
    },
    stop: () => peer.stop(),
  };
}
