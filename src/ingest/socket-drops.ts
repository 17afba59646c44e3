import { readFileSync } from 'node:fs';

/**
 * Datagrams the kernel dropped on the UDP sockets bound to a local port (receive buffer full),
 * from the last column of /proc/net/udp and /proc/net/udp6. Undefined where those files do not
 * exist (not Linux) or hold no socket on that port. Read on demand (stats), never per packet.
 */
export function readUdpDrops(port: number, files = ['/proc/net/udp', '/proc/net/udp6']): number | undefined {
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  let drops: number | undefined;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl local_address rem_address st ... drops
      if (fields.length < 13 || !fields[1]!.endsWith(portHex)) continue;
      drops = (drops ?? 0) + Number(fields[fields.length - 1]);
    }
  }
  return drops;
}

/** Reports increases of a listener's kernel drop count, for a periodic check. */
export class SocketDropMonitor {
  private last: number | undefined;

  constructor(
    private readonly name: string,
    private readonly read: () => number | undefined,
    private readonly report: (detail: string) => void,
  ) {}

  check(): void {
    const now = this.read();
    if (now === undefined) return;
    if (this.last !== undefined && now > this.last)
      this.report(
        `${this.name}: the kernel dropped ${now - this.last} datagrams (receive buffer full; ${now} since start): ` +
          'raise net.core.rmem_max and --recv-buffer-size (docs/collector.md)',
      );
    this.last = now;
  }
}
