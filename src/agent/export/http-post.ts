import http from 'node:http';
import https from 'node:https';
import { MEDIA_TYPE } from './batch-format.js';

/** How one POST of a batch ended. */
export type PostOutcome =
  | { readonly kind: 'ok'; readonly duplicate: boolean }
  /** Worth retrying: the server is unreachable, slow, overloaded or failing (connect, timeout, 5xx, 429). */
  | {
      readonly kind: 'retry';
      readonly reason: string;
      readonly message: string;
      readonly retryAfterMs: number;
    }
  /** Refused for good (4xx other than 408/429): sending it again would get the same answer. */
  | { readonly kind: 'reject'; readonly reason: string; readonly message: string };

export interface PosterConfig {
  /** Base URL of the flowlens server: http(s)://host:port, optionally with a path prefix. */
  url: string;
  device: string;
  /** Authorization header value (Basic or Bearer), or none. */
  authorization?: string | undefined;
  timeoutMs: number;
  /** PEM certificate(s) to trust for an https URL (a private CA); default the system's. */
  ca?: string | Buffer | undefined;
  rejectUnauthorized?: boolean | undefined;
  /** Another endpoint than api/v1/flows?device=… (the synthetic agent's results): a path under the base URL and its query. */
  endpoint?: { readonly path: string; readonly query: Readonly<Record<string, string>> } | undefined;
  /** Headers of every request besides (or instead of) the defaults, e.g. another content-type. */
  headers?: Readonly<Record<string, string>> | undefined;
}

const maxAnswerBytes = 64 << 10;

/**
 * POSTs batch bodies to `POST /api/v1/flows?device=…` over one keep-alive connection (http or
 * https) and classifies the answer. Never throws: every failure is an outcome.
 */
export class BatchPoster {
  private readonly target: URL;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  constructor(private readonly config: PosterConfig) {
    const base = new URL(config.url);
    if (base.protocol !== 'http:' && base.protocol !== 'https:')
      throw new Error(`server URL ${config.url}: expected http:// or https://`);
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    this.target = new URL(config.endpoint?.path ?? 'api/v1/flows', base);
    for (const [key, value] of Object.entries(config.endpoint?.query ?? { device: config.device }))
      this.target.searchParams.set(key, value);
    const tls = base.protocol === 'https:';
    const options = { keepAlive: true, maxSockets: 1 };
    this.agent = tls
      ? new https.Agent({
          ...options,
          ...(config.ca === undefined ? {} : { ca: config.ca }),
          rejectUnauthorized: config.rejectUnauthorized ?? true,
        })
      : new http.Agent(options);
    this.request = tls ? https.request : http.request;
  }

  get endpoint(): string {
    return this.target.toString();
  }

  async post(body: Uint8Array, signal?: AbortSignal): Promise<PostOutcome> {
    const first = await this.once(body, signal);
    // A kept-alive connection the server closed meanwhile (it restarted): one fresh attempt at once.
    if (
      first.outcome.kind === 'retry' &&
      first.reusedSocket &&
      first.outcome.reason === 'network' &&
      !signal?.aborted
    )
      return (await this.once(body, signal)).outcome;
    return first.outcome;
  }

  close(): void {
    this.agent.destroy();
  }

  private once(
    body: Uint8Array,
    signal?: AbortSignal,
  ): Promise<{ outcome: PostOutcome; reusedSocket: boolean }> {
    return new Promise((resolve) => {
      let settled = false;
      let reusedSocket = false;
      const done = (outcome: PostOutcome) => {
        if (settled) return;
        settled = true;
        resolve({ outcome, reusedSocket });
      };
      const headers: Record<string, string | number> = {
        'content-type': MEDIA_TYPE,
        'content-length': body.length,
        accept: 'application/json',
        ...this.config.headers,
      };
      if (this.config.authorization !== undefined) headers.authorization = this.config.authorization;
      const req = this.request(this.target, { method: 'POST', agent: this.agent, headers, signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= maxAnswerBytes) chunks.push(c);
        });
        res.on('end', () =>
          done(classify(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString('utf8'))),
        );
        res.on('error', (err) => done(networkFailure(err)));
      });
      req.on('socket', () => {
        reusedSocket = req.reusedSocket;
      });
      req.setTimeout(this.config.timeoutMs, () =>
        req.destroy(
          Object.assign(new Error(`no answer in ${this.config.timeoutMs} ms`), { code: 'ETIMEDOUT' }),
        ),
      );
      req.on('error', (err) => done(networkFailure(err)));
      req.end(body);
    });
  }
}

function classify(status: number, headers: http.IncomingHttpHeaders, text: string): PostOutcome {
  let answer: { duplicate?: unknown; error?: { code?: unknown; message?: unknown } } = {};
  try {
    answer = JSON.parse(text);
  } catch {
    // Not ours (a proxy's page): the status decides.
  }
  if (status >= 200 && status < 300) return { kind: 'ok', duplicate: answer?.duplicate === true };
  const code = typeof answer?.error?.code === 'string' ? answer.error.code : `http_${status}`;
  const message = `HTTP ${status} ${code}: ${typeof answer?.error?.message === 'string' ? answer.error.message : text.slice(0, 200)}`;
  if (status === 408 || status === 429 || status >= 500) {
    const seconds = Number(headers['retry-after']);
    return {
      kind: 'retry',
      reason: `http_${status}`,
      message,
      retryAfterMs: seconds > 0 ? seconds * 1000 : 0,
    };
  }
  return { kind: 'reject', reason: code, message };
}

function networkFailure(err: Error): PostOutcome {
  const code = (err as NodeJS.ErrnoException).code;
  const reason =
    code === 'ECONNREFUSED'
      ? 'connect'
      : code === 'ETIMEDOUT'
        ? 'timeout'
        : code === 'ABORT_ERR'
          ? 'aborted'
          : code !== undefined && (code.startsWith('ERR_TLS') || code.includes('CERT'))
            ? 'tls'
            : 'network';
  return { kind: 'retry', reason, message: `${code ?? 'error'}: ${err.message}`, retryAfterMs: 0 };
}
