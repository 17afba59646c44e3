import net from 'node:net';
import type { Logger } from '../log/logger.js';
import { type LogTarget, loggerOf } from '../log/sink.js';
import { listen } from '../util/listen.js';
import { IpfixFramer } from './ipfix-framer.js';
import { formatHostPort } from './udp-listener.js';

export interface TcpListenerConfig {
  name: string;
  address: string;
  port: number;
  /** Connections beyond this many are closed as they arrive (exporters are few; default 1024). */
  maxConnections?: number | undefined;
}

/** Receives one framed message; returns false to refuse the peer (the connection is closed). */
export type MessageHandler = (message: Buffer, address: string) => boolean;

export interface TcpListenerStats {
  name: string;
  address: string;
  port: number;
  connections: number;
  openConnections: number;
  messages: number;
  /** Connections closed because of a bad message length or version. */
  badFrames: number;
  refusedConnections: number;
}

/** IPFIX over TCP: one framer per connection, each message to the handler as it completes. */
export class TcpListener {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private boundPort = 0;
  private readonly counts = { connections: 0, messages: 0, badFrames: 0, refusedConnections: 0 };
  private readonly log: Logger;

  constructor(
    private readonly config: TcpListenerConfig,
    private readonly onMessage: MessageHandler,
    private readonly onFramingError: (reason: 'bad_length' | 'bad_version', address: string) => void,
    log: LogTarget,
  ) {
    this.log = loggerOf(log);
  }

  async start(): Promise<void> {
    const server = net.createServer((socket) => this.accept(socket));
    server.maxConnections = this.config.maxConnections ?? 1024;
    await listen(server, this.config.port, this.config.address);
    server.on('error', (err) =>
      this.log.error(`${this.config.name} tcp server error: ${err.message}`, { reason: 'tcp_server_error' }),
    );
    this.server = server;
    this.boundPort = (server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === undefined) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  get name(): string {
    return this.config.name;
  }

  port(): number {
    return this.boundPort;
  }

  describe(): string {
    return `${this.config.name} tcp ${formatHostPort(this.config.address, this.boundPort)}`;
  }

  stats(): TcpListenerStats {
    return {
      name: this.config.name,
      address: this.config.address,
      port: this.boundPort,
      openConnections: this.sockets.size,
      ...this.counts,
    };
  }

  private accept(socket: net.Socket): void {
    const address = socket.remoteAddress ?? '';
    this.counts.connections++;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {}); // resets are normal for exporters; 'close' follows
    let refused = false;
    const framer = new IpfixFramer((message) => {
      if (refused) return;
      this.counts.messages++;
      if (!this.onMessage(message, address)) {
        refused = true;
        this.counts.refusedConnections++;
        socket.destroy();
      }
    });
    socket.on('data', (chunk: Buffer) => {
      const error = framer.push(chunk);
      if (error === undefined) return;
      this.counts.badFrames++;
      this.onFramingError(error, address);
      socket.destroy();
    });
  }
}
