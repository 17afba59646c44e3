import { defaultBufferKiB, defaultSnaplen, type LiveCaptureOptions } from './tcpdump-command.js';

/** The live-capture flags of `flowlens agent` (for node:util parseArgs). */
export const liveOptions = {
  interface: { type: 'string', short: 'i' },
  filter: { type: 'string' },
  'run-as': { type: 'string' },
  snaplen: { type: 'string' },
  'buffer-size': { type: 'string' },
  promiscuous: { type: 'boolean' },
  tcpdump: { type: 'string' },
  write: { type: 'string', short: 'w' },
} as const;

export const liveUsage = `Live capture (docs/agent.md, "Live capture"):
  -i, --interface IF             capture on IF (or 'any') with tcpdump as a subprocess, until
                                 SIGINT or SIGTERM; every flow is exported before the agent exits
      --filter BPF               capture only what this BPF expression (tcpdump's syntax) accepts
      --run-as USER              the user the agent and tcpdump become once the interface is open
                                 (default nobody when started as root; needs root)
      --snaplen N                bytes kept of each packet (default ${defaultSnaplen}; 0: whole packets);
                                 sizes are counted from the IP header whatever it is
      --buffer-size KiB          the kernel's capture buffer (default ${defaultBufferKiB}): raise it
                                 (or lower --snaplen) when the summary shows kernel drops
      --promiscuous              put the interface in promiscuous mode (a mirror port)
      --tcpdump PATH             the tcpdump binary (default: tcpdump on the PATH)
  -w, --write FILE               also save the packets as pcap, exactly as the agent analysed them
                                 (same timestamps), for a later --read or for tshark
`;

export type LiveValues = {
  interface?: string | undefined;
  filter?: string | undefined;
  'run-as'?: string | undefined;
  snaplen?: string | undefined;
  'buffer-size'?: string | undefined;
  promiscuous?: boolean | undefined;
  tcpdump?: string | undefined;
  write?: string | undefined;
};

export interface LiveSourceOptions extends LiveCaptureOptions {
  /** Who to become after tcpdump has opened the interface; undefined: nobody when root. */
  readonly runAs?: string | undefined;
  /** A file to save the capture in as well (opened before privileges are given up). */
  readonly write?: string | undefined;
}

function integer(flag: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw new Error(`--${flag} must be an integer from ${min} to ${max}, not '${text}'`);
  return n;
}

/**
 * The live capture the flags ask for, undefined without --interface; throws an Error with a
 * readable message on a bad value or a live-only flag given without --interface.
 */
export function parseLiveFlags(values: LiveValues): LiveSourceOptions | undefined {
  if (values.interface === undefined) {
    const stray = (Object.keys(liveOptions) as (keyof LiveValues)[]).find((k) => values[k] !== undefined);
    if (stray !== undefined) throw new Error(`--${stray} needs --interface`);
    return undefined;
  }
  if (!/^[\w.:@][\w.:@-]{0,63}$/.test(values.interface))
    throw new Error(`--interface must be an interface name, not '${values.interface}'`);
  const user = values['run-as'];
  if (user !== undefined && !/^[\w.][\w.-]{0,63}$/.test(user))
    throw new Error(`--run-as must be a user name or id, not '${user}'`);
  return {
    interface: values.interface,
    filter: values.filter,
    runAs: user,
    write: values.write,
    snaplen: values.snaplen === '0' ? 0 : (integer('snaplen', values.snaplen, 64, 262_144) ?? defaultSnaplen),
    bufferKiB: integer('buffer-size', values['buffer-size'], 256, 4_194_304) ?? defaultBufferKiB,
    promiscuous: values.promiscuous === true,
    command: values.tcpdump ?? 'tcpdump',
  };
}
