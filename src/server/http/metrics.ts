import { prometheusContentType, prometheusText } from '../../metrics/prometheus.js';
import type { Registry } from '../../metrics/registry.js';
import type { RouteDoc } from './openapi-types.js';
import type { Handler } from './respond.js';

/** GET /metrics: the server's registry in the Prometheus text format 0.0.4 (docs/metrics.md). */
export function serveMetrics(registry: Registry): Handler {
  return (_req, res) => {
    const text = prometheusText(registry);
    res.writeHead(200, {
      'content-type': prometheusContentType,
      'content-length': Buffer.byteLength(text),
      'cache-control': 'no-store',
    });
    res.end(text);
  };
}

export const metricsDoc: RouteDoc = {
  operationId: 'metrics',
  summary: "The server's metrics for Prometheus",
  description:
    'Every metric of the process in the Prometheus text exposition format 0.0.4: counters as `<name>_total`, meters as a counter plus `_m1_rate`/`_m5_rate`/`_m15_rate`/`_mean_rate` gauges, histograms and timers as summaries (see docs/metrics.md). Needs no credentials: the API binds to loopback by default; expose it only to the network your Prometheus scrapes from.',
  tags: ['server'],
  responses: {
    '200': {
      description: 'The metrics',
      content: { 'text/plain': { schema: { type: 'string', description: 'Prometheus text format 0.0.4' } } },
    },
  },
};
