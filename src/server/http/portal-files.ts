import { readFile, realpath, stat } from 'node:fs/promises';
import { extname, join, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, gzip, constants as zlib } from 'node:zlib';

const gzipAsync = promisify(gzip);
const brotliAsync = promisify(brotliCompress);

/** A file of the built portal, with its compressed forms made on first use and kept. */
export interface PortalFile {
  readonly type: string;
  readonly body: Buffer;
  compressed(encoding: 'br' | 'gzip'): Promise<Buffer>;
}

const types: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

const compressible = new Set(['.html', '.js', '.css', '.json', '.svg', '.map']);

/**
 * The files under `root` (dist-web/), read once each and kept: the portal is a few hundred KB.
 * Paths that leave `root` (`..`, symlinks out) are not found.
 */
export class PortalFiles {
  private readonly cache = new Map<string, Promise<PortalFile | undefined>>();

  constructor(readonly root: string) {}

  /** The file at a URL path (`/assets/x.js`), or undefined when there is none. */
  get(urlPath: string): Promise<PortalFile | undefined> {
    let file = this.cache.get(urlPath);
    if (file === undefined) {
      file = this.load(urlPath).catch(() => undefined);
      this.cache.set(urlPath, file);
      // A miss is not kept: the portal may be built while the server runs.
      void file.then((f) => f === undefined && this.cache.delete(urlPath));
    }
    return file;
  }

  private async load(urlPath: string): Promise<PortalFile | undefined> {
    const root = await realpath(this.root);
    const path = await realpath(join(root, urlPath));
    if (!path.startsWith(root + sep) || !(await stat(path)).isFile()) return undefined;
    const body = await readFile(path);
    const ext = extname(path);
    const forms = new Map<string, Promise<Buffer>>();
    return {
      type: types[ext] ?? 'application/octet-stream',
      body,
      compressed(encoding) {
        if (!compressible.has(ext)) return Promise.resolve(body);
        let form = forms.get(encoding);
        if (form === undefined) {
          form =
            encoding === 'br'
              ? brotliAsync(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9 } })
              : gzipAsync(body, { level: 9 });
          forms.set(encoding, form);
        }
        return form;
      },
    };
  }
}

/** The best encoding the client accepts: br, then gzip, else none (q=0 refuses one). */
export function pickEncoding(acceptEncoding: string | undefined): 'br' | 'gzip' | undefined {
  const accepted = new Map<string, number>();
  for (const part of (acceptEncoding ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (name === undefined || name === '') continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)).find((m) => m !== null);
    accepted.set(name, q ? Number(q[1]) : 1);
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : undefined;
}
