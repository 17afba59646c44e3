import type { Writable } from 'node:stream';
import type { QueryResult } from '../query/api.js';
import { QueryError } from '../query/errors.js';
import { csvResultChunks } from '../server/http/result-csv.js';
import { jsonResultChunks } from '../server/http/result-json.js';
import { type OutputFormat, parseQueryArgs, type QueryArgs, queryUsage, UsageError } from './query-args.js';
import { ConnectionError, queryServer, RemoteQueryError } from './query-client.js';
import { formatError } from './query-error.js';
import { DataDirError, queryDataDir } from './query-local.js';
import { formatTable } from './query-table.js';

/**
 * `flowlens query "SQL"`: one statement through a server's REST API or on a data directory,
 * printed as a psql-style table, JSON (the REST API's form) or CSV. Exit status 0 with rows, 1
 * when the statement failed, 2 for bad arguments or an unreachable server.
 */
export async function run(args: string[]): Promise<number> {
  let parsed: QueryArgs;
  try {
    parsed = parseQueryArgs(args, process.env);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`flowlens query: ${err.message} (see 'flowlens query --help')\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(queryUsage);
    return 0;
  }
  const sql = parsed.sql ?? (process.stdin.isTTY ? '' : await readStdin());
  if (sql.trim() === '') {
    process.stderr.write(`flowlens query: no SQL given\n\n${queryUsage}`);
    return 2;
  }
  let result: QueryResult;
  try {
    const { target } = parsed;
    result =
      target.kind === 'server'
        ? await queryServer(target.url, target.authorization, sql, parsed.params)
        : await queryDataDir(target.dir, target, sql, parsed.params);
  } catch (err) {
    if (err instanceof RemoteQueryError || err instanceof QueryError) {
      process.stderr.write(formatError(err instanceof QueryError ? err : err.report, sql));
      return 1;
    }
    if (err instanceof ConnectionError || err instanceof DataDirError) {
      process.stderr.write(`flowlens query: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  await write(process.stdout, format(result, parsed.format));
  return 0;
}

function format(result: QueryResult, as: OutputFormat): Iterable<string> {
  if (as === 'json') return jsonResultChunks(result);
  if (as === 'csv') return csvResultChunks(result);
  return [formatTable(result)];
}

/** Writes the chunks with backpressure; a closed stdout (piped into head) ends the output quietly. */
async function write(out: Writable, chunks: Iterable<string>): Promise<void> {
  let closed = false;
  out.on('error', () => {
    closed = true;
  });
  for (const chunk of chunks) {
    if (closed) return;
    if (!out.write(chunk)) await new Promise((resolve) => out.once('drain', resolve).once('error', resolve));
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
