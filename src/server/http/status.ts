import { type Handler, sendJson } from './respond.js';

/** GET /api/v1/status: the server's phase and the stats of the store, collector and ingest API. */
export function serveStatus(status: () => unknown): Handler {
  return (_req, res) => sendJson(res, 200, status());
}
