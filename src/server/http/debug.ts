import type { ServerResponse } from 'node:http';
import { maxProfileSeconds, type Profiler, ProfilerBusy } from '../../metrics/profiler.js';
import type { Users } from '../auth/users.js';
import { authorizeAdmin } from './admin-auth.js';
import { serveFailPoints } from './debug-failpoints.js';
import { HttpError, type HttpRequest, sendJson } from './respond.js';
import type { Mount } from './routes.js';

export interface DebugContext {
  readonly users: Users;
  readonly profiler: Profiler;
  /** For file names: `flowlens-server`. */
  readonly processName: string;
  readonly log: (line: string) => void;
}

const endpoints = {
  'GET /debug/pprof/profile?seconds=N': `CPU profile of the main thread, N = 1-${maxProfileSeconds} (default 30); .cpuprofile JSON for Chrome DevTools or speedscope`,
  'GET /debug/pprof/heap': 'V8 heap snapshot; .heapsnapshot JSON for Chrome DevTools (Memory tab)',
  'GET /debug/failpoints': 'fail points set, with hits and paused callers',
  'PUT /debug/failpoints/<name>': 'set a fail point; the body is its actions, e.g. return(EIO)',
  'DELETE /debug/failpoints/<name>': 'turn a fail point off',
};

/**
 * /debug: profiles and fail points, served to loopback clients and to admin users only
 * (admin-auth.ts). Nothing here costs anything until it is asked for.
 */
export function debugMount(ctx: DebugContext): Mount {
  return {
    path: '/debug',
    handler: async (req, res) => {
      const grant = authorizeAdmin(req.raw.socket.remoteAddress, req.raw.headers, ctx.users);
      const who =
        grant.via === 'loopback' ? `loopback ${req.raw.socket.remoteAddress}` : grant.principal.user;
      const path = req.url.pathname;
      if (path === '/debug' || path === '/debug/' || path === '/debug/pprof' || path === '/debug/pprof/') {
        onlyGet(req);
        sendJson(res, 200, { endpoints });
      } else if (path === '/debug/pprof/profile') await cpuProfile(ctx, req, res, who);
      else if (path === '/debug/pprof/heap') await heapSnapshot(ctx, req, res, who);
      else if (path === '/debug/failpoints' || path.startsWith('/debug/failpoints/'))
        await serveFailPoints(req, res, ctx.log, who);
      else throw new HttpError(404, 'not_found', `no route ${path} (GET /debug lists the debug endpoints)`);
    },
  };
}

async function cpuProfile(
  ctx: DebugContext,
  req: HttpRequest,
  res: ServerResponse,
  who: string,
): Promise<void> {
  onlyGet(req);
  const seconds = profileSeconds(req.url.searchParams.get('seconds'));
  const stop = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) stop.abort(new Error('the client went away'));
  });
  ctx.log(`CPU profile for ${seconds} s requested by ${who}`);
  let profile: unknown;
  try {
    profile = await ctx.profiler.cpuProfile(seconds, stop.signal);
  } catch (err) {
    if (err instanceof ProfilerBusy) throw new HttpError(409, err.code, err.message);
    if (stop.signal.aborted) {
      res.destroy();
      return;
    }
    throw err;
  }
  const text = JSON.stringify(profile);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    'content-disposition': `attachment; filename="${fileName(ctx, 'cpuprofile')}"`,
    'cache-control': 'no-store',
  });
  res.end(text);
}

async function heapSnapshot(
  ctx: DebugContext,
  req: HttpRequest,
  res: ServerResponse,
  who: string,
): Promise<void> {
  onlyGet(req);
  const busy = ctx.profiler.busy;
  if (busy !== undefined)
    throw new HttpError(
      409,
      'profile_in_progress',
      `${busy} is being taken; one profile at a time, retry when it is done`,
    );
  ctx.log(`heap snapshot requested by ${who}`);
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-disposition': `attachment; filename="${fileName(ctx, 'heapsnapshot')}"`,
    'cache-control': 'no-store',
  });
  await ctx.profiler.heapSnapshot((chunk) => res.write(chunk));
  res.end();
}

function profileSeconds(text: string | null): number {
  if (text === null) return 30;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > maxProfileSeconds)
    throw new HttpError(
      400,
      'bad_request',
      `seconds must be an integer from 1 to ${maxProfileSeconds}, got "${text}"`,
    );
  return n;
}

function onlyGet(req: HttpRequest): void {
  if (req.raw.method !== 'GET')
    throw new HttpError(405, 'method_not_allowed', `${req.url.pathname} accepts GET`, {}, { allow: 'GET' });
}

function fileName(ctx: DebugContext, extension: string): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  return `${ctx.processName}-${process.pid}-${stamp}.${extension}`;
}
