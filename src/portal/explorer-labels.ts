import type { KeyCell } from './explorer-sql.js';
import { formatCount, formatMs, formatSi } from './format-units.js';

/** How a group's key reads in the legend and the table: protocol names, "(none)" for unreported. */

const protocols: Readonly<Record<number, string>> = {
  1: 'ICMP',
  2: 'IGMP',
  6: 'TCP',
  17: 'UDP',
  41: 'IPv6',
  47: 'GRE',
  50: 'ESP',
  58: 'ICMPv6',
  89: 'OSPF',
  132: 'SCTP',
};

export function cellLabel(column: string, v: KeyCell): string {
  if (v === null) return '(null)';
  if (v === '') return '(none)';
  if (column === 'protocol' && typeof v === 'number') return protocols[v] ?? String(v);
  if ((column === 'src_as' || column === 'dst_as') && typeof v === 'number') return `AS${v}`;
  return String(v);
}

export function keyLabel(dims: readonly string[], key: readonly KeyCell[]): string {
  return dims.map((d, i) => cellLabel(d, key[i] ?? null)).join(' · ');
}

/** A metric value in its unit: `12.3 Mbit/s`, `1 234 addresses`, `12.5 ms`. */
export function formatMetric(unit: string, v: number | null): string {
  if (v === null) return '—';
  switch (unit) {
    case 'bit/s':
      return formatSi(v, 'bit/s');
    case 'packet/s':
      return formatSi(v, 'pkt/s');
    case 'flow/s':
      return formatSi(v, 'flows/s');
    case 'ms':
      return formatMs(v);
    default:
      return formatCount(Math.round(v));
  }
}
