/** How the agent runs tcpdump as its capture subprocess (docs/agent.md, "Live capture"). */
export interface LiveCaptureOptions {
  /** The interface to capture on (`any` for all of them, as tcpdump takes it). */
  readonly interface: string;
  /** A BPF filter expression, passed to tcpdump as one argument. */
  readonly filter?: string | undefined;
  /** Bytes kept of each packet (tcpdump's -s; 0: whole packets, up to 262144). */
  readonly snaplen: number;
  /** The kernel's capture buffer in KiB (tcpdump's -B). */
  readonly bufferKiB: number;
  /** Put the interface in promiscuous mode (off by default: a host agent watches its own traffic). */
  readonly promiscuous: boolean;
  /** The tcpdump binary. */
  readonly command: string;
}

/**
 * In immediate mode libpcap uses a TPACKET_V2 ring of fixed-size frames sized by the snap length:
 * whole packets (262144 bytes with segmentation offloads) leave room for only a few hundred
 * packets, so a busy moment drops packets. 4096 bytes keep every header and the application
 * messages the decoders read (a request's headers, a DNS message, a TLS hello), and sizes are
 * counted from the IP header, not from what was captured.
 */
export const defaultSnaplen = 4096;

/** 64 MiB of frames: about 15 000 packets, a few hundred ms at a busy server's rate. */
export const defaultBufferKiB = 65_536;

/**
 * tcpdump's arguments: pcap to standard output, each packet written as soon as it is captured
 * (-U) and handed over by the kernel at once (--immediate-mode: libpcap's buffered mode would
 * withhold a part-filled block until it fills or times out). `switchTo` is the user tcpdump
 * becomes once the interface is open (-Z): the same user the agent becomes, so that the agent can
 * still signal it (SIGTERM to stop, SIGUSR1 for its counts).
 */
export function tcpdumpArgs(o: LiveCaptureOptions, switchTo: string | undefined): string[] {
  const args = ['-i', o.interface, '-U', '--immediate-mode', '-n', '-w', '-', '-B', String(o.bufferKiB)];
  args.push('-s', String(o.snaplen));
  if (!o.promiscuous) args.push('-p');
  if (switchTo !== undefined) args.push('-Z', switchTo);
  if (o.filter !== undefined && o.filter.trim() !== '') args.push('--', o.filter);
  return args;
}
