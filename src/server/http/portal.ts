import { fileURLToPath } from 'node:url';
import { PortalFiles, pickEncoding } from './portal-files.js';
import { HttpError } from './respond.js';
import type { Mount } from './routes.js';

/** dist-web/ of this checkout (the server runs from dist/src/server/http/ or dist-*\/…). */
export const defaultPortalDir = fileURLToPath(new URL('../../../../dist-web/', import.meta.url));

/**
 * The web portal (docs/portal.md) at `/`: the files Vite built into dist-web/, and index.html for
 * every other path that is not the API's, so a deep link (`/query?sql=…`) opens its page. Hashed
 * assets are cached for a year; index.html is revalidated each time. Compressed with brotli or
 * gzip as the client accepts. Mounted last: the API's routes and mounts answer first.
 */
export function portalMount(dir = defaultPortalDir): Mount {
  const files = new PortalFiles(dir);
  return {
    path: '',
    handler: async (req, res) => {
      const path = req.url.pathname;
      if (path.startsWith('/api/') || path === '/api' || path === '/metrics')
        throw new HttpError(404, 'not_found', `no route ${path}`);
      const method = req.raw.method;
      if (method !== 'GET' && method !== 'HEAD')
        throw new HttpError(
          405,
          'method_not_allowed',
          `${path} accepts GET, HEAD`,
          {},
          { allow: 'GET, HEAD' },
        );
      let decoded: string;
      try {
        decoded = decodeURIComponent(path);
      } catch {
        throw new HttpError(400, 'bad_path', `${path}: not valid percent-encoding`);
      }
      const asset = decoded.startsWith('/assets/');
      const file =
        (decoded === '/' ? undefined : await files.get(decoded)) ??
        (asset ? undefined : await files.get('/index.html'));
      if (file === undefined)
        throw asset
          ? new HttpError(404, 'not_found', `no file ${path}`)
          : new HttpError(404, 'portal_not_built', `the portal is not built in ${dir}: run npm run build`);
      const encoding = pickEncoding(req.raw.headers['accept-encoding']);
      const body = encoding === undefined ? file.body : await file.compressed(encoding);
      const headers: Record<string, string | number> = {
        'content-type': file.type,
        'content-length': body.length,
        'cache-control': asset ? 'public, max-age=31536000, immutable' : 'no-cache',
        vary: 'accept-encoding',
        'x-content-type-options': 'nosniff',
      };
      if (encoding !== undefined && body !== file.body) headers['content-encoding'] = encoding;
      res.writeHead(200, headers);
      res.end(method === 'HEAD' ? undefined : body);
    },
  };
}
