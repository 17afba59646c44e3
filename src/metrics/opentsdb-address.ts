/** Parsing of the OpenTSDB receiver addresses in the config (docs/metrics.md). */

/** `host:port` or `[v6]:port` → its parts; throws with a message saying what is expected. */
export function parseHostPort(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = m === null ? Number.NaN : Number(m[3]);
  if (m === null || !(port >= 1 && port <= 65535))
    throw new Error(`expected host:port (e.g. 127.0.0.1:4242 or [::1]:4242), got ${JSON.stringify(text)}`);
  return { host: m[1] ?? m[2]!, port };
}

/** An http(s) base URL (`/api/put` is added when the path is empty) → the URL to POST to. */
export function putUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(
      `expected an http:// or https:// URL (e.g. http://127.0.0.1:4242), got ${JSON.stringify(text)}`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`expected an http:// or https:// URL, got ${JSON.stringify(text)}`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/api/put';
  return url.toString();
}
