import type { ServerResponse } from 'node:http';
import {
  describeFailPoints,
  FailPointSyntaxError,
  listFailPoints,
  removeFailPoint,
  setFailPoint,
} from '../../metrics/failpoint.js';
import { readBody } from './body.js';
import { HttpError, type HttpRequest, sendJson } from './respond.js';

const maxActionsBytes = 4096;

/**
 * The fail point admin API (docs/operations.md):
 *   GET    /debug/failpoints          every point set: name, actions, hits, paused callers
 *   GET    /debug/failpoints/<name>   one point (404 if not set)
 *   PUT    /debug/failpoints/<name>   body: an action list, e.g. `return(EIO)` or `50%sleep(100)`
 *   DELETE /debug/failpoints/<name>   turns it off; a caller paused on it resumes
 */
export async function serveFailPoints(
  req: HttpRequest,
  res: ServerResponse,
  log: (line: string) => void,
  who: string,
): Promise<void> {
  const path = req.url.pathname;
  const method = req.raw.method;
  if (path === '/debug/failpoints' || path === '/debug/failpoints/') {
    allow(method, ['GET']);
    sendJson(res, 200, { failpoints: describeFailPoints() });
    return;
  }
  const name = pointName(path.slice('/debug/failpoints/'.length));
  allow(method, ['GET', 'PUT', 'DELETE']);
  if (method === 'GET') {
    const point = describeFailPoints().find((p) => p.name === name);
    if (point === undefined) throw new HttpError(404, 'no_fail_point', `fail point ${name} is not set`);
    sendJson(res, 200, point);
    return;
  }
  if (method === 'DELETE') {
    const removed = removeFailPoint(name);
    if (removed) log(`fail point ${name} turned off by ${who}`);
    sendJson(res, 200, { name, removed });
    return;
  }
  const actions = (await readBody(req.raw, maxActionsBytes)).toString('utf8').trim();
  if (actions === '')
    throw new HttpError(
      400,
      'bad_fail_point',
      'send the actions as the body, e.g. return(EIO) or 10%3*sleep(100); DELETE turns a point off',
    );
  const previous = listFailPoints()[name] ?? 'off';
  try {
    setFailPoint(name, actions);
  } catch (err) {
    if (err instanceof FailPointSyntaxError) throw new HttpError(400, err.code, err.message);
    throw err;
  }
  const now = listFailPoints()[name] ?? 'off';
  log(`fail point ${name} set to ${now} by ${who} (was ${previous})`);
  sendJson(res, 200, { name, actions: now, previous });
}

function allow(method: string | undefined, methods: string[]): void {
  if (method === undefined || !methods.includes(method))
    throw new HttpError(
      405,
      'method_not_allowed',
      `this path accepts ${methods.join(', ')}`,
      {},
      {
        allow: methods.join(', '),
      },
    );
}

function pointName(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new HttpError(
      400,
      'bad_fail_point',
      `bad fail point name "${encoded}": not valid percent-encoding`,
    );
  }
}
