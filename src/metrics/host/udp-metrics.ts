import { readFileSync } from 'node:fs';
import type { Registry } from '../registry.js';
import { cachedLoad } from './cached-load.js';
import { parseNetSnmp, parseNetSnmp6, udpCounters } from './proc-net-snmp.js';
import { type SourceOptions, works } from './sources.js';

/** Field of /proc/net/snmp's `Udp:` lines (and of snmp6's `Udp6…`) → metric and help. */
export const udpFields: readonly [string, string, string][] = [
  ['InDatagrams', 'flowlens_host_udp_received_datagrams_total', 'UDP datagrams delivered to sockets'],
  [
    'InErrors',
    'flowlens_host_udp_receive_errors_total',
    'UDP datagrams received but not delivered: full socket buffers, bad checksums, … (includes the buffer and checksum errors)',
  ],
  [
    'RcvbufErrors',
    'flowlens_host_udp_receive_buffer_errors_total',
    'UDP datagrams dropped because the socket receive buffer was full: a collector too slow or its buffer too small (recvBufferSize, net.core.rmem_max)',
  ],
  ['NoPorts', 'flowlens_host_udp_no_port_datagrams_total', 'UDP datagrams to a port no socket listens on'],
  ['InCsumErrors', 'flowlens_host_udp_checksum_errors_total', 'UDP datagrams with a bad checksum'],
  [
    'MemErrors',
    'flowlens_host_udp_memory_errors_total',
    'UDP datagrams dropped because UDP memory on the host was exhausted (net.ipv4.udp_mem)',
  ],
  ['OutDatagrams', 'flowlens_host_udp_sent_datagrams_total', 'UDP datagrams sent'],
  [
    'SndbufErrors',
    'flowlens_host_udp_send_buffer_errors_total',
    'UDP datagrams not sent because the socket send buffer was full',
  ],
];

/** The host's UDP counters, tag `family` = ipv4 (/proc/net/snmp) or ipv6 (/proc/net/snmp6). */
export function registerUdpMetrics(registry: Registry, { procRoot, maxAgeMs }: SourceOptions): void {
  const text = (file: string) => readFileSync(`${procRoot}/${file}`, 'utf8');
  const sources = [
    ['ipv4', cachedLoad(() => udpCounters(parseNetSnmp(text('net/snmp')), undefined, 'ipv4'), maxAgeMs)],
    ['ipv6', cachedLoad(() => udpCounters(undefined, parseNetSnmp6(text('net/snmp6')), 'ipv6'), maxAgeMs)],
  ] as const;
  for (const [family, counters] of sources) {
    if (!works(counters)) continue;
    const present = counters();
    for (const [field, name, help] of udpFields)
      if (present.has(field))
        registry.counterFn(name, () => counters().get(field) ?? Number.NaN, { family }, { help });
  }
}
