import { cellLabel, formatMetric } from '../../../../src/portal/explorer-labels.js';
import type { Row } from '../../../../src/portal/explorer-series.js';
import { toNumber } from '../../../../src/portal/explorer-series.js';
import type { KeyCell } from '../../../../src/portal/explorer-sql.js';
import { type Column, DataTable } from '../../components/DataTable.js';
import { Empty } from '../../components/Empty.js';
import { colorAt } from '../../components/palette.js';
import type { ExplorerData } from './useExplorerData.js';

/**
 * Every group of the view (up to the table query's limit), sortable and paged, with the totals
 * over all groups; the chart's series are marked with their colour. A click on a row filters the
 * view to it (drill down).
 */
export function ResultTable(props: {
  data: ExplorerData;
  dims: readonly string[];
  top: number;
  onPick: (row: Row) => void;
}) {
  const { data, dims } = props;
  const metric = data.queries.metric;
  const valueAt = dims.length;
  const rank = new Map(data.rows.map((r, i) => [r, i]));
  const columns: Column<Row>[] = [
    ...dims.map(
      (d, i): Column<Row> => ({
        key: d,
        label: d,
        value: (r) => r[i] as KeyCell,
        render: (r) => (
          <>
            {i === 0 && rank.get(r)! < props.top && (
              <span class="swatch" style={{ background: colorAt(rank.get(r)!) }} />
            )}
            {cellLabel(d, r[i] as KeyCell)}
          </>
        ),
      }),
    ),
    {
      key: metric.alias,
      label: metric.label,
      align: 'right',
      value: (r) => toNumber(r[valueAt]),
      render: (r) => (
        <span data-value={String(r[valueAt])}>{formatMetric(metric.unit, toNumber(r[valueAt]))}</span>
      ),
    },
  ];
  if (metric.additive && data.total !== null && data.total > 0) {
    const total = data.total;
    columns.push({
      key: 'share',
      label: '% of total',
      align: 'right',
      value: (r) => (toNumber(r[valueAt]) ?? 0) / total,
      render: (r) => `${((100 * (toNumber(r[valueAt]) ?? 0)) / total).toFixed(1)} %`,
    });
  }
  const footer = {
    [dims[0]!]: data.rows.length >= 1000 ? 'Total (all groups)' : 'Total',
    [metric.alias]: <span data-value={String(data.total)}>{formatMetric(metric.unit, data.total)}</span>,
  };
  return (
    <DataTable
      key={data.view}
      label="Groups"
      columns={columns}
      rows={data.rows}
      footer={footer}
      onRowClick={props.onPick}
      empty={<NoFlows />}
    />
  );
}

export function NoFlows() {
  return (
    <Empty title="No flows in this time range">
      Point a router's NetFlow, IPFIX or sFlow export at this server (UDP 2055 / 4739 / 6343), or start it
      with
      <code> --demo</code> for simulated routers; then pick a longer range or remove filters.
    </Empty>
  );
}
