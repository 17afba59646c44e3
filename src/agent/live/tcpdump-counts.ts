/**
 * tcpdump's packet counts, from the lines it writes to standard error: at exit ("3 packets
 * captured" … one count a line) and on SIGUSR1 ("tcpdump: 3 packets captured, 6 packets received
 * by filter, 0 packets dropped by kernel"). Counts are cumulative since tcpdump started.
 */
export interface TcpdumpCounts {
  /** Packets tcpdump wrote to the pipe. */
  captured: number;
  /** Packets the filter accepted (on Linux, before the ring: a loopback packet counts twice). */
  receivedByFilter: number;
  /** Packets the kernel dropped because the capture buffer was full. */
  droppedByKernel: number;
  /** Packets the interface dropped (tcpdump reports it only when not zero). */
  droppedByInterface: number;
}

export function newTcpdumpCounts(): TcpdumpCounts {
  return { captured: 0, receivedByFilter: 0, droppedByKernel: 0, droppedByInterface: 0 };
}

const item = /(\d+) packets? (captured|received by filter|dropped by kernel|dropped by interface)/g;
const countsLine =
  /^(?:tcpdump: )?\d+ packets? (?:captured|received by filter|dropped by kernel|dropped by interface)(?:, \d+ packets? (?:captured|received by filter|dropped by kernel|dropped by interface))*$/;

const fields = {
  captured: 'captured',
  'received by filter': 'receivedByFilter',
  'dropped by kernel': 'droppedByKernel',
  'dropped by interface': 'droppedByInterface',
} as const;

/** Reads the counts a line holds into `into`; false when the line is not a counts line. */
export function readTcpdumpCounts(line: string, into: TcpdumpCounts): boolean {
  if (!countsLine.test(line)) return false;
  for (const m of line.matchAll(item)) into[fields[m[2] as keyof typeof fields]] = Number(m[1]);
  return true;
}
