import type { HealthReport } from '../../metrics/health.js';
import { HttpError, sendJson } from './respond.js';
import type { Mount } from './routes.js';

/**
 * GET /healthz: the health report as JSON — 200 when no component is BAD, 503 when one is (a
 * load balancer or Kubernetes probe needs nothing more). No credentials: it says what the health
 * socket says, like GET /api/v1/status.
 */
export function healthzMount(report: () => HealthReport): Mount {
  return {
    path: '/healthz',
    handler: (req, res) => {
      if (req.url.pathname !== '/healthz')
        throw new HttpError(404, 'not_found', `no route ${req.url.pathname}`);
      if (req.raw.method !== 'GET')
        throw new HttpError(405, 'method_not_allowed', '/healthz accepts GET', {}, { allow: 'GET' });
      const health = report();
      sendJson(res, health.status === 'BAD' ? 503 : 200, health, { 'cache-control': 'no-store' });
    },
  };
}
