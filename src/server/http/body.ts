import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { HttpError } from './respond.js';

const gunzipAsync = promisify(gunzip);

const tooLarge = (limit: number) =>
  new HttpError(413, 'body_too_large', `the request body is over ${limit} bytes; send smaller requests`, {
    limit,
  });

/**
 * Reads a request body of at most `limit` bytes, both as sent and after `Content-Encoding: gzip`.
 * A declared Content-Length over the limit is refused before reading; an undeclared one is read
 * to its end (discarding what is over) so the client gets the 413 rather than a reset connection.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  if (encoding !== 'identity' && encoding !== 'gzip' && encoding !== 'x-gzip')
    throw new HttpError(
      415,
      'unsupported_encoding',
      `Content-Encoding ${encoding} is not supported; use gzip or none`,
    );
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limit) throw Object.assign(tooLarge(limit), { closeConnection: true });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  if (size > limit) throw tooLarge(limit);
  const body = Buffer.concat(chunks, size);
  if (encoding === 'identity') return body;
  try {
    return await gunzipAsync(body, { maxOutputLength: limit });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
    throw new HttpError(400, 'bad_body', `the body is not valid gzip: ${(err as Error).message}`);
  }
}
