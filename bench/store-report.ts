import type { ClickHouseSize } from './clickhouse-load.js';
import type { machineInfo } from './machine.js';
import type { ClickHouseResult } from './store-clickhouse.js';
import type { DataSetConfig } from './store-data.js';
import type { StoreSize } from './store-density.js';
import { type IngestResult, round } from './store-ingest.js';
import { defaultModelConfig } from './store-model.js';
import type { ScanResult } from './store-scan.js';

/** Shapes the measurements into the JSON object `npm run bench:store` prints. */
export interface Measured {
  machine: ReturnType<typeof machineInfo> & { disk_write_fsync_per_4mib: { mb_per_sec: number } };
  loadAverageEnd: number;
  seconds: number;
  workDir: string;
  flowlens: {
    data: DataSetConfig;
    first_minute: string;
    last_flow: string;
    ingest: IngestResult;
    size: StoreSize;
    scan: {
      facade: ScanResult;
      read_buffers: ScanResult;
      read_buffers_address_dicts: ScanResult;
      read_buffers_keyed: ScanResult;
      segment_reader: ScanResult;
    };
  };
  clickhouse: ClickHouseResult | undefined;
  clickhouseError: string | undefined;
}

export const goals = {
  ingest_flows_per_sec: 2_000_000,
  bytes_per_flow_standard_columns: 9,
  denser_than_clickhouse: 1.5,
  scan_values_per_sec_per_core: 300_000_000,
};

function perFlow(bytes: Record<string, number>, rows: number): Record<string, number> {
  return Object.fromEntries(Object.entries(bytes).map(([name, b]) => [name, round(b / rows)]));
}

function clickhouseSide(size: ClickHouseSize & { optimize_seconds: number }) {
  return {
    bytes_per_flow_standard_columns: round(size.column_bytes / size.rows),
    bytes_per_flow_on_disk: round(size.bytes_on_disk / size.rows),
    rows: size.rows,
    parts: size.parts,
    column_bytes: size.column_bytes,
    bytes_on_disk: size.bytes_on_disk,
    uncompressed_bytes_per_flow: round(size.column_bytes_uncompressed / size.rows),
    optimize_final_seconds: size.optimize_seconds,
    per_column_bytes_per_flow: perFlow(size.per_column, size.rows),
  };
}

export function summarize(m: Measured) {
  const { flowlens: f, clickhouse: ch } = m;
  const flows = f.ingest.flows;
  const ours = f.size.column_bytes / f.size.rows;
  const lz4 = ch === undefined ? undefined : clickhouseSide(ch.lz4);
  const zstd = ch?.zstd === undefined ? undefined : clickhouseSide(ch.zstd);
  const ratio = (other?: { bytes_per_flow_standard_columns: number }) =>
    other === undefined ? undefined : round(other.bytes_per_flow_standard_columns / ours, 2);
  return {
    benchmark: 'store',
    date: new Date().toISOString(),
    machine: {
      ...m.machine,
      load_average_1m_start: m.machine.load_average_1m,
      load_average_1m_end: m.loadAverageEnd,
    },
    total_seconds: m.seconds,
    data_set: {
      flows,
      devices: defaultModelConfig.devices,
      seed: f.data.seed,
      flows_per_sec_of_traffic: f.data.flowsPerSec,
      first_minute: f.first_minute,
      last_flow: f.last_flow,
      minutes: Math.ceil(flows / f.data.flowsPerSec / 60),
      ipv6_fraction: f.data.ipv6Fraction,
      recurring_conversation_fraction: f.data.recurring,
    },
    goals,
    ingest: {
      ...f.ingest,
      // What the disk allows at the WAL's bytes per flow, with nothing else to do.
      disk_bound_flows_per_sec: Math.round(
        (m.machine.disk_write_fsync_per_4mib.mb_per_sec * 1e6) / f.ingest.wal.bytes_per_flow,
      ),
    },
    density: {
      flowlens: {
        bytes_per_flow_standard_columns: round(ours),
        bytes_per_flow_segment_files: round(f.size.segment_bytes / f.size.rows),
        bytes_per_flow_data_dir: round(f.size.data_dir_bytes / flows),
        ...f.size,
        per_column: undefined,
        per_column_bytes_per_flow: perFlow(f.size.per_column, f.size.rows),
      },
      clickhouse_lz4_default: lz4,
      clickhouse_zstd: zstd,
      ratio_clickhouse_lz4_to_flowlens: ratio(lz4),
      ratio_clickhouse_zstd_to_flowlens: ratio(zstd),
    },
    scan: f.scan,
    clickhouse:
      ch === undefined
        ? { error: m.clickhouseError ?? 'skipped (--no-clickhouse)' }
        : { version: ch.version, table: ch.table, load: ch.load },
    checks: {
      segment_rows_equal_flows: f.size.rows === flows,
      scan_rows_equal_flows:
        f.scan.facade.rows === flows &&
        f.scan.read_buffers.rows === flows &&
        f.scan.read_buffers_address_dicts.rows === flows &&
        f.scan.read_buffers_keyed.rows === flows &&
        f.scan.segment_reader.rows === flows,
      scan_in_bytes_equal:
        f.scan.facade.in_bytes_sum === f.ingest.in_bytes_sum &&
        f.scan.read_buffers.in_bytes_sum === f.ingest.in_bytes_sum &&
        f.scan.read_buffers_address_dicts.in_bytes_sum === f.ingest.in_bytes_sum &&
        f.scan.read_buffers_keyed.in_bytes_sum === f.ingest.in_bytes_sum,
      no_late_segments: f.ingest.late_segments === 0,
      clickhouse_rows_equal_flows: ch === undefined ? undefined : ch.lz4.rows === flows,
      clickhouse_in_bytes_equal: ch === undefined ? undefined : ch.in_bytes_sum === f.ingest.in_bytes_sum,
    },
    goals_met: {
      ingest: f.ingest.flows_per_sec >= goals.ingest_flows_per_sec,
      // The stricter reading: the store's CPU per flow (appends + sealing) within two cores' worth.
      ingest_cpu_two_cores: f.ingest.cpu.two_cores_flows_per_sec >= goals.ingest_flows_per_sec,
      bytes_per_flow: ours <= goals.bytes_per_flow_standard_columns,
      denser_than_clickhouse_lz4: lz4 === undefined ? undefined : ratio(lz4)! >= goals.denser_than_clickhouse,
      denser_than_clickhouse_zstd:
        zstd === undefined ? undefined : ratio(zstd)! >= goals.denser_than_clickhouse,
      scan: f.scan.facade.values_per_sec >= goals.scan_values_per_sec_per_core,
      // Per core on a shared machine: values per CPU second of the decoding process.
      scan_per_cpu_second: f.scan.facade.values_per_cpu_sec >= goals.scan_values_per_sec_per_core,
    },
    work_dir: m.workDir,
  };
}
