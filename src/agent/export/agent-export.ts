import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { FlowBatch } from '../../flow/batch.js';
import type { LogTarget } from '../../log/sink.js';
import { createIpfixUdpExporter, type IpfixUdpExporter, parseIpfixTarget } from './ipfix-udp.js';
import { createFlowSender, type FlowSender } from './sender.js';

/**
 * What `flowlens agent` needs to export: its flags (for node:util parseArgs), and one object that
 * sends each batch of flow records to the flowlens server and/or an IPFIX collector. The agent
 * command calls `send(batch)` for every batch the flow table exports, `flush()` before it exits
 * (a --read run), then `close()`.
 */
export const agentExportOptions = {
  server: { type: 'string' },
  device: { type: 'string' },
  user: { type: 'string' },
  'spool-dir': { type: 'string' },
  'max-spool-mb': { type: 'string' },
  ca: { type: 'string' },
  ipfix: { type: 'string' },
} as const;

export const agentExportUsage = `  --server URL          send the flows to a flowlens server (http:// or https://)
  --device NAME         the name the flows are stored under (default: this host's name)
  --user NAME           HTTP Basic user; the password comes from FLOWLENS_PASSWORD
                        (or set FLOWLENS_TOKEN for a bearer token instead)
  --spool-dir DIR       keep batches here while the server is unreachable (default: memory only)
  --max-spool-mb N      bound of the spool, oldest batches dropped past it (default 256)
  --ca FILE             PEM certificate of the CA that signed the server's (https)
  --ipfix HOST:PORT     also send the router columns as IPFIX over UDP to any collector
`;

export type AgentExportValues = Partial<Record<keyof typeof agentExportOptions, string | undefined>>;

export interface AgentExport {
  readonly sender: FlowSender | undefined;
  readonly ipfix: IpfixUdpExporter | undefined;
  send(batch: FlowBatch): void;
  /** The same as send: an AgentExport is the agent pipeline's FlowRecordSink (src/agent/contract.ts). */
  write(batch: FlowBatch): void;
  /** Resolves true once every batch is acknowledged by the server (or there is no server). */
  flush(timeoutMs?: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The exporters the flags ask for; undefined when neither --server nor --ipfix is given. Throws
 * an Error with a readable message on a bad flag (the command prints it and exits 2).
 */
export function createAgentExport(
  values: AgentExportValues,
  env: NodeJS.ProcessEnv = process.env,
  deps: { log?: LogTarget } = {},
): AgentExport | undefined {
  if (values.server === undefined && values.ipfix === undefined) return undefined;
  let sender: FlowSender | undefined;
  if (values.server !== undefined) {
    const maxSpoolMb = values['max-spool-mb'] === undefined ? 256 : Number(values['max-spool-mb']);
    if (!(Number.isInteger(maxSpoolMb) && maxSpoolMb > 0))
      throw new Error(`--max-spool-mb ${values['max-spool-mb']}: expected a whole number of MiB`);
    const token = env.FLOWLENS_TOKEN;
    if (token !== undefined && values.user !== undefined)
      throw new Error('--user and FLOWLENS_TOKEN: give one way to log in');
    sender = createFlowSender(
      {
        url: values.server,
        device: values.device ?? hostname().split('.')[0]!,
        token,
        user: values.user,
        password: values.user === undefined ? undefined : (env.FLOWLENS_PASSWORD ?? ''),
        spoolDir: values['spool-dir'],
        maxSpoolBytes: maxSpoolMb << 20,
        ca: values.ca === undefined ? undefined : readFileSync(values.ca),
      },
      deps,
    );
  }
  const ipfix =
    values.ipfix === undefined ? undefined : createIpfixUdpExporter(parseIpfixTarget(values.ipfix));
  return {
    sender,
    ipfix,
    send(batch) {
      sender?.send(batch);
      ipfix?.send(batch);
    },
    write(batch) {
      this.send(batch);
    },
    flush: (timeoutMs) => sender?.flush(timeoutMs) ?? Promise.resolve(true),
    async close() {
      await Promise.all([sender?.close(), ipfix?.close()]);
    },
  };
}
