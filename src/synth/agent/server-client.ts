import http from 'node:http';
import https from 'node:https';
import type { TestSpec } from '../contract.js';

/** A failed request: the HTTP status (0 when there was no answer) and the server's error code. */
export class ServerError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface TaskAnswer {
  readonly version: number;
  readonly full: boolean;
  readonly tasks: readonly TestSpec[];
  readonly removed: readonly string[];
}

export interface ClientConfig {
  readonly url: string;
  readonly token: string;
  readonly timeoutMs: number;
  readonly ca?: string | Buffer | undefined;
  readonly rejectUnauthorized: boolean;
}

const maxAnswerBytes = 64 << 20;

/**
 * The agent's JSON requests to the server (docs/synth.md "Server API"): register, task polls and
 * status reports, over one keep-alive connection, each with the agent's bearer token. Every
 * failure is a ServerError.
 */
export class ServerClient {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private readonly request: typeof http.request;

  constructor(private readonly config: ClientConfig) {
    this.base = new URL(config.url);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:')
      throw new Error(`server URL ${config.url}: expected http:// or https://`);
    if (!this.base.pathname.endsWith('/')) this.base.pathname += '/';
    const tls = this.base.protocol === 'https:';
    this.agent = tls
      ? new https.Agent({
          keepAlive: true,
          maxSockets: 2,
          ca: config.ca,
          rejectUnauthorized: config.rejectUnauthorized,
        })
      : new http.Agent({ keepAlive: true, maxSockets: 2 });
    this.request = tls ? https.request : http.request;
  }

  /** Registers; resolves with the agent's id and whether it is approved yet. */
  async register(body: {
    name: string;
    version: string;
    addresses: readonly string[];
  }): Promise<{ id: string; status: 'approved' | 'pending' }> {
    const answer = (await this.call('POST', 'api/v1/synth/agents/register', {}, body)) as {
      agent?: { id?: unknown; status?: unknown };
    };
    const id = answer?.agent?.id;
    const status = answer?.agent?.status;
    if (typeof id !== 'string' || (status !== 'approved' && status !== 'pending'))
      throw new ServerError(0, 'bad_answer', 'the registration answer has no agent id and status');
    return { id, status };
  }

  /** The changes since `version`; undefined when nothing changed (304). */
  async tasks(agent: string, version: number): Promise<TaskAnswer | undefined> {
    const answer = (await this.call('GET', 'api/v1/synth/tasks', { agent, version: String(version) })) as
      | TaskAnswer
      | undefined;
    if (answer === undefined) return undefined;
    if (
      !Number.isSafeInteger(answer.version) ||
      !Array.isArray(answer.tasks) ||
      !Array.isArray(answer.removed)
    )
      throw new ServerError(0, 'bad_answer', 'the task answer has no version, tasks and removed');
    return answer;
  }

  async status(agent: string, report: Record<string, unknown>): Promise<void> {
    await this.call('POST', 'api/v1/synth/status', { agent }, report);
  }

  close(): void {
    this.agent.destroy();
  }

  private call(
    method: string,
    path: string,
    query: Record<string, string>,
    body?: unknown,
  ): Promise<unknown> {
    const url = new URL(path, this.base);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string | number> = {
      authorization: `Bearer ${this.config.token}`,
      accept: 'application/json',
    };
    if (text !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(text);
    }
    return new Promise((resolve, reject) => {
      const req = this.request(url, { method, agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= maxAnswerBytes) chunks.push(c);
          else req.destroy(new Error('answer too large'));
        });
        res.on('error', (err) => reject(new ServerError(0, 'network', err.message)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status === 304) return resolve(undefined);
          let value: unknown;
          try {
            value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            value = undefined;
          }
          if (status >= 200 && status < 300) return resolve(value);
          const error = (value as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
          reject(
            new ServerError(
              status,
              typeof error?.code === 'string' ? error.code : `http_${status}`,
              `HTTP ${status}: ${typeof error?.message === 'string' ? error.message : 'no error message'}`,
            ),
          );
        });
      });
      req.setTimeout(this.config.timeoutMs, () =>
        req.destroy(new Error(`no answer in ${this.config.timeoutMs} ms`)),
      );
      req.on('error', (err) =>
        reject(new ServerError(0, (err as NodeJS.ErrnoException).code ?? 'network', err.message)),
      );
      req.end(text);
    });
  }
}
