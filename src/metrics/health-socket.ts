import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { listen } from '../util/listen.js';
import type { Counter } from './counter.js';
import type { HealthReport } from './health.js';
import { formatHealthText } from './health-text.js';
import { Registry } from './registry.js';

/**
 * The health-check socket: a client that connects (`nc 127.0.0.1 10001`) is sent the health
 * report as text at once, and the connection is closed. Nothing is read from the client.
 */

export interface HealthSocketConfig {
  /** 0 disables the listener. */
  port: number;
  /** Loopback by default: the report names versions, hosts and queue depths. */
  listen: string;
}

export const defaultHealthSocketConfig: HealthSocketConfig = { port: 10001, listen: '127.0.0.1' };

export interface HealthSocketDeps {
  report(): HealthReport;
  log(line: string): void;
  /** Where its metrics go; a throwaway registry when absent. */
  metrics?: Registry;
}

export class HealthSocket {
  private readonly server: Server;
  private readonly open = new Set<Socket>();
  private readonly served: Counter;
  private readonly failed: Counter;

  constructor(
    private readonly deps: HealthSocketDeps,
    readonly config: HealthSocketConfig,
  ) {
    const metrics = deps.metrics ?? new Registry();
    this.served = metrics.counter('flowlens_health_socket_connections_total', undefined, {
      help: 'Connections to the health-check socket (each is sent the health report and closed)',
    });
    this.failed = metrics.counter('flowlens_health_socket_report_errors_total', undefined, {
      help: 'Health reports that could not be built for the health-check socket (answered BAD)',
    });
    this.server = createServer((socket) => this.answer(socket));
  }

  async start(): Promise<void> {
    if (this.config.port === 0) return;
    await listen(this.server, this.config.port, this.config.listen);
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.open) socket.destroy();
    await closed;
  }

  /** `health 127.0.0.1:10001`, for the start-up banner; undefined when disabled. */
  describe(): string | undefined {
    const address = this.server.address() as AddressInfo | null;
    return address === null ? undefined : `health ${address.address}:${address.port}`;
  }

  private answer(socket: Socket): void {
    this.served.inc();
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    // A client that resets the connection before reading is nobody's problem.
    socket.on('error', () => socket.destroy());
    let text: string;
    try {
      text = formatHealthText(this.deps.report());
    } catch (err) {
      this.failed.inc();
      this.deps.log(`health socket: cannot build the report: ${(err as Error).message}`);
      text = `status:   BAD\nerror:    the health report failed: ${(err as Error).message}\n`;
    }
    socket.end(text);
  }
}

export function createHealthSocket(
  deps: HealthSocketDeps,
  config: Partial<HealthSocketConfig> = {},
): HealthSocket {
  return new HealthSocket(deps, { ...defaultHealthSocketConfig, ...config });
}
