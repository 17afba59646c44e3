import dgram from 'node:dgram';
import { isIPv6 } from 'node:net';
import type { Logger } from '../log/logger.js';
import { type LogTarget, loggerOf } from '../log/sink.js';
import { readUdpDrops } from './socket-drops.js';

export interface UdpListenerConfig {
  /** Shown in logs and stats: 'netflow', 'sflow'. */
  name: string;
  address: string;
  port: number;
  /** Requested SO_RCVBUF; the kernel caps it at net.core.rmem_max. */
  recvBufferSize: number;
}

export type DatagramHandler = (buf: Buffer, address: string) => void;

export interface UdpListenerStats {
  name: string;
  address: string;
  port: number;
  /** SO_RCVBUF as granted by the kernel (what Linux reports, halved: it doubles it for bookkeeping). */
  recvBufferSize: number;
  datagrams: number;
  /** Datagrams the kernel dropped on this socket (/proc/net/udp), when readable. */
  socketDrops: number | undefined;
}

/**
 * One UDP socket whose datagrams go straight to the handler: no queue, no copy. The handler runs
 * in the receive callback, so it must stay cheap; the kernel buffer absorbs bursts.
 */
export class UdpListener {
  private socket: dgram.Socket | undefined;
  private datagrams = 0;
  private boundPort = 0;
  private effectiveRecvBuffer = 0;
  private readonly log: Logger;

  constructor(
    private readonly config: UdpListenerConfig,
    private readonly onDatagram: DatagramHandler,
    log: LogTarget,
  ) {
    this.log = loggerOf(log);
  }

  async start(): Promise<void> {
    const socket = dgram.createSocket({
      type: isIPv6(this.config.address) ? 'udp6' : 'udp4',
      recvBufferSize: this.config.recvBufferSize,
    });
    socket.on('message', (buf, rinfo) => {
      this.datagrams++;
      this.onDatagram(buf, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.config.port, this.config.address, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.on('error', (err) =>
      this.log.error(`${this.config.name} udp socket error: ${err.message}`, { reason: 'udp_socket_error' }),
    );
    this.socket = socket;
    this.boundPort = socket.address().port;
    // Linux grants min(request, net.core.rmem_max) and reports twice that (bookkeeping overhead).
    const reported = socket.getRecvBufferSize();
    this.effectiveRecvBuffer = process.platform === 'linux' ? reported / 2 : reported;
    const granted = this.effectiveRecvBuffer;
    if (granted < this.config.recvBufferSize) {
      this.log.warn(
        `${this.config.name}: receive buffer ${mib(granted)} granted of ${mib(this.config.recvBufferSize)} asked: ` +
          `the kernel caps it at net.core.rmem_max; raise that with 'sysctl -w net.core.rmem_max=` +
          `${this.config.recvBufferSize}' so bursts are absorbed without drops`,
        { reason: 'recv_buffer_capped', granted_bytes: granted, asked_bytes: this.config.recvBufferSize },
      );
    }
  }

  async stop(): Promise<void> {
    const socket = this.socket;
    if (socket === undefined) return;
    this.socket = undefined;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  }

  /** The bound port (the configured one, or the kernel's choice for port 0 in tests). */
  port(): number {
    return this.boundPort;
  }

  get name(): string {
    return this.config.name;
  }

  /** Datagrams received so far (cheaper than stats(), which reads /proc). */
  received(): number {
    return this.datagrams;
  }

  /** SO_RCVBUF as granted (0 before start). */
  receiveBufferBytes(): number {
    return this.effectiveRecvBuffer;
  }

  /** Datagrams the kernel dropped on the socket (/proc/net/udp); undefined when not listening or unknown. */
  kernelDrops(): number | undefined {
    return this.socket === undefined ? undefined : readUdpDrops(this.boundPort);
  }

  describe(): string {
    return `${this.config.name} udp ${formatHostPort(this.config.address, this.boundPort)} (receive buffer ${mib(this.effectiveRecvBuffer)})`;
  }

  stats(): UdpListenerStats {
    return {
      name: this.config.name,
      address: this.config.address,
      port: this.boundPort,
      recvBufferSize: this.effectiveRecvBuffer,
      datagrams: this.datagrams,
      socketDrops: this.kernelDrops(),
    };
  }
}

export function formatHostPort(address: string, port: number): string {
  return isIPv6(address) ? `[${address}]:${port}` : `${address}:${port}`;
}

function mib(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : `${Math.round(bytes / 1024)} KiB`;
}
