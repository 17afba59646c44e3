import { portalMount } from '../src/server/http/portal.js';
import type { Mount } from '../src/server/http/routes.js';
import { createHttpServer, type HttpServer } from '../src/server/http.js';
import { listenPort } from './portal-ports.js';

/**
 * A built portal directory served the way `flowlens server` serves dist-web (portalMount), with
 * /api/… passed through to a real server: so two builds of the portal (uPlot and ECharts) can be
 * measured side by side against the same demo server.
 */
export async function servePortal(dir: string, api: string): Promise<{ url: string; server: HttpServer }> {
  const port = await listenPort();
  const server = createHttpServer(
    { routes: [], mounts: [apiProxy(api), portalMount(dir)], log: () => {} },
    { port, listen: '127.0.0.1' },
  );
  await server.start();
  return { url: `http://127.0.0.1:${port}`, server };
}

function apiProxy(api: string): Mount {
  return {
    path: '/api',
    handler: async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req.raw) chunks.push(chunk as Buffer);
      const headers: Record<string, string> = {};
      for (const name of ['authorization', 'content-type', 'accept']) {
        const v = req.raw.headers[name];
        if (typeof v === 'string') headers[name] = v;
      }
      const method = req.raw.method ?? 'GET';
      const answer = await fetch(`${api}${req.url.pathname}${req.url.search}`, {
        method,
        headers,
        body: method === 'GET' || method === 'HEAD' ? null : Buffer.concat(chunks),
      });
      const body = Buffer.from(await answer.arrayBuffer());
      res.writeHead(answer.status, {
        'content-type': answer.headers.get('content-type') ?? 'application/octet-stream',
        'content-length': body.length,
      });
      res.end(body);
    },
  };
}
