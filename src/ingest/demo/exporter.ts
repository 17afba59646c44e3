import dgram from 'node:dgram';
import type { LogSink } from '../../log/sink.js';
import {
  type DemoExporterConfig,
  defaultDemoExporterConfig,
  type RouterProfile,
  routerProfiles,
} from './config.js';
import { SimulatedRouter } from './router.js';

export interface DemoRouterStats {
  readonly role: string;
  readonly address: string;
  readonly sampleRate: number;
  readonly flows: number;
  readonly datagrams: number;
  readonly sendErrors: number;
}

export interface DemoExporterDeps {
  readonly log?: LogSink | undefined;
  readonly now?: (() => number) | undefined;
}

export interface DemoExporter {
  readonly config: DemoExporterConfig;
  readonly profiles: readonly RouterProfile[];
  /** Binds one socket per router (its own loopback source address) and starts exporting. */
  start(): Promise<void>;
  /** Stops the timer, waits for datagrams in flight and closes the sockets. */
  stop(): Promise<void>;
  stats(): DemoRouterStats[];
}

interface Running {
  readonly router: SimulatedRouter;
  readonly socket: dgram.Socket;
  sendErrors: number;
  lastError: string;
}

/**
 * The built-in demo exporter of `flowlens server --demo`: several simulated routers, each sending
 * NetFlow v9 from its own address on 127.0.0.0/8 (any 127.x.y.z can be bound on Linux without
 * configuration), so the collector sees them as separate devices. Does no I/O until start().
 */
export function createDemoExporter(
  config: Partial<DemoExporterConfig> = {},
  deps: DemoExporterDeps = {},
): DemoExporter {
  const c = { ...defaultDemoExporterConfig, ...config };
  const profiles = routerProfiles(c);
  const now = deps.now ?? Date.now;
  const log = deps.log ?? (() => {});
  let running: Running[] = [];
  let timer: NodeJS.Timeout | undefined;
  let inFlight = 0;
  let drained: (() => void) | undefined;

  const send = (r: Running, datagram: Buffer) => {
    inFlight++;
    r.socket.send(datagram, c.targetPort, c.targetAddress, (err) => {
      if (err) {
        // Logged once per router per kind of error, so a collector that is down does not flood the log.
        if (r.lastError !== err.message) log(`demo ${r.router.profile.address}: send failed: ${err.message}`);
        r.lastError = err.message;
        r.sendErrors++;
      }
      if (--inFlight === 0) drained?.();
    });
  };
  const tick = () => {
    const t = now();
    for (const r of running) r.router.tick(t, (d) => send(r, d));
  };

  return {
    config: c,
    profiles,
    async start() {
      if (timer !== undefined) return;
      const startMs = now();
      const bound: Running[] = [];
      try {
        for (const profile of profiles) {
          const socket = dgram.createSocket('udp4');
          bound.push({
            router: new SimulatedRouter(profile, c, startMs),
            socket,
            sendErrors: 0,
            lastError: '',
          });
          await bind(socket, profile.address);
        }
      } catch (err) {
        await Promise.all(bound.map((r) => close(r.socket)));
        throw err;
      }
      running = bound;
      tick();
      timer = setInterval(tick, c.tickMs);
    },
    async stop() {
      if (timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      drained = undefined;
      await Promise.all(running.map((r) => close(r.socket)));
    },
    stats: () =>
      running.map((r) => ({
        role: r.router.profile.role,
        address: r.router.profile.address,
        sampleRate: r.router.profile.sampleRate,
        flows: r.router.flows,
        datagrams: r.router.datagrams,
        sendErrors: r.sendErrors,
      })),
  };
}

function bind(socket: dgram.Socket, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (err: Error) =>
      reject(new Error(`demo exporter: cannot bind a UDP socket to ${address}: ${err.message}`));
    socket.once('error', fail);
    socket.bind(0, address, () => {
      socket.off('error', fail);
      // Later errors (an ICMP port unreachable while the collector restarts) arrive in send callbacks.
      socket.on('error', () => {});
      resolve();
    });
  });
}

function close(socket: dgram.Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => resolve());
    } catch {
      resolve();
    }
  });
}
