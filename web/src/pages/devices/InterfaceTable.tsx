import { formatSi } from '../../../../src/portal/format-units.js';
import { type Column, DataTable } from '../../components/DataTable.js';
import { Empty } from '../../components/Empty.js';
import { Num } from '../shared/Num.js';
import type { InterfaceRow } from './load-device.js';

/** A device's busiest interfaces (ifIndex) in the range, as rates over `seconds`. */
export function InterfaceTable(props: { title: string; rows: readonly InterfaceRow[]; seconds: number }) {
  const rate = (v: number) => (props.seconds > 0 ? v / props.seconds : 0);
  const columns: Column<InterfaceRow>[] = [
    { key: 'iface', label: 'ifIndex', value: (r) => r.iface, align: 'right' },
    {
      key: 'bits',
      label: 'bits/s',
      value: (r) => r.bytes,
      render: (r) => <Num value={rate(r.bytes * 8)} format={(v) => formatSi(v, 'bit/s')} />,
      align: 'right',
    },
    {
      key: 'packets',
      label: 'packets/s',
      value: (r) => r.packets,
      render: (r) => <Num value={rate(r.packets)} format={(v) => formatSi(v)} />,
      align: 'right',
    },
    {
      key: 'flows',
      label: 'flows/s',
      value: (r) => r.flows,
      render: (r) => <Num value={rate(r.flows)} format={(v) => formatSi(v)} />,
      align: 'right',
    },
  ];
  return (
    <section class="panel" aria-label={props.title}>
      <h2>{props.title}</h2>
      <DataTable
        label={props.title}
        columns={columns}
        rows={props.rows}
        pageSize={10}
        empty={<Empty title="No flows in this time range" />}
      />
    </section>
  );
}
