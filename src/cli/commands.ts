/** The subcommands of `flowlens`, loaded lazily so that `--help` stays instant. */
export interface Command {
  run(args: string[]): Promise<number>;
}

export interface CommandEntry {
  readonly summary: string;
  load(): Promise<Command>;
}

export const commands: Record<string, CommandEntry> = {
  server: {
    summary: 'run the collector (NetFlow v5/v9, IPFIX, sFlow) and, as they land, store and query',
    load: () => import('./server.js'),
  },
  query: {
    summary: 'run one SQL statement through a server (or on a data directory) and print the rows',
    load: () => import('./query.js'),
  },
  schema: {
    summary: 'print the columns of the flow record',
    load: () => import('./schema.js'),
  },
  store: {
    summary: 'inspect the embedded flow store on disk: tenants, devices, minutes, rows, bytes per column',
    load: () => import('./store.js'),
  },
  decode: {
    summary: 'print the flows in a capture of export packets (pcap/pcapng) as JSON lines',
    load: () => import('./decode.js'),
  },
  agent: {
    summary: 'host agent: turn captured packets into flow records with TCP metrics and app fields',
    load: () => import('./agent.js'),
  },
  synth: {
    summary: 'synthetic monitoring: run ping/trace/… tests now or as an agent',
    load: () => import('./synth.js'),
  },
};
