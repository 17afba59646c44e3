import type { FlowBatch, NumberArray } from '../flow/batch.js';

/**
 * The storage-backend interface: what the query engine (issue 4) sees of a store. The embedded
 * store (src/store) implements it now; the ClickHouse backend of a later issue stands in its place.
 * Every implementation runs the conformance suite in test/helpers/backend-conformance.ts.
 */

/** Raw minutes, or the hourly / daily rollups (see `rollupColumns` in the schema). */
export type Resolution = 'minute' | 'hour' | 'day';

/** A numeric range on one column, used only to skip data by statistics, never to filter rows. */
export interface ColumnRange {
  readonly column: string;
  readonly min?: number;
  readonly max?: number;
}

export interface ScanRequest {
  readonly tenant: string;
  /** Device ids to read; undefined means every device of the tenant. */
  readonly devices?: readonly number[] | undefined;
  /** Time range in ms since the epoch, `from` inclusive, `to` exclusive, on `i_start_time`. */
  readonly from: number;
  readonly to: number;
  readonly resolution?: Resolution | undefined;
  /** Jobs whose statistics prove that no row can satisfy every range are left out. */
  readonly ranges?: readonly ColumnRange[] | undefined;
}

/**
 * One unit of work: the rows of one device in one bucket (minute, hour or day). Plain data, so a
 * job can be posted to a worker thread and read there.
 */
export interface ScanJob {
  readonly tenant: string;
  readonly resolution: Resolution;
  /** Start of the bucket (ms). */
  readonly bucket: number;
  readonly deviceId: number;
  readonly rows: number;
  /** True once the bucket is sealed: its content can change only by compaction, which keeps the rows. */
  readonly sealed: boolean;
  /**
   * Identity of the data: two jobs with the same `dataId` read the same rows, so a result computed
   * over one can be reused for the other (the query memo). Undefined for data still changing.
   */
  readonly dataId: string | undefined;
  /** Where the rows are; opaque to callers. */
  readonly location: unknown;
}

/**
 * An address column in dictionary form: what a store that keeps addresses in dictionaries can hand
 * over without expanding them to 16 bytes a row. A consumer can then hash, group or filter each
 * distinct address once.
 */
export interface AddressDictionary {
  /** Distinct addresses, 16 bytes each (IPv4 as ::ffff:a.b.c.d). May hold addresses no row uses. */
  readonly entries: Uint8Array;
  /** Number of entries (`entries.length / 16`; `entries` may be longer). */
  readonly size: number;
  /** Per row of the job, the index of its address in `entries`. */
  readonly indexes: Uint32Array;
}

/**
 * A numeric column that is a function of an address column (an AS number or a prefix length per
 * distinct address), handed over as that function: row i's value is `table[indexes[i]]`. A
 * consumer can aggregate per index and fold the table once instead of looking it up per row.
 */
export interface KeyedColumn {
  /** The address column whose dictionary indexes key the table (e.g. `src_addr` for `src_as`). */
  readonly key: string;
  /** One value per index (the column's own array type); may be longer than `size`. */
  readonly table: NumberArray;
  /** Number of table entries; every index is below it. */
  readonly size: number;
  /**
   * Per row of the job, the index into `table`: the key's dictionary indexes (the same array as
   * `addressDicts[key].indexes` when the key comes back in dictionary form in the same read).
   */
  readonly indexes: Uint32Array;
  /**
   * Only when asked (`ReadOptions.keyedCodes`), and then where the store keeps the table as codes
   * into a few distinct values (an AS table: ~2 600 values for ~39 000 addresses): one code per
   * index of the key's dictionary, and `table` / `size` are the distinct values. Row i's value is
   * then `table[codes[indexes[i]]]`, and a consumer aggregates or decides per code.
   */
  readonly codes?: Uint32Array | undefined;
}

/**
 * An address column as the set of its distinct addresses, without rows: what a caller that only
 * counts distinct values over every row of a job (approx_count_distinct, count(DISTINCT) with no
 * row filter or grouping) needs, and what a store that knows each column's dictionary entries
 * can hand over with no per-row work.
 */
export interface AddressSet {
  /** Every distinct address of the column in the job exactly once, 16 bytes each (IPv4 as ::ffff:a.b.c.d), in no particular order. */
  readonly entries: Uint8Array;
  /** Number of addresses (`entries` may be longer than `size * 16`). */
  readonly size: number;
}

/** How a caller would like a job's columns. A backend may ignore any of it. */
export interface ReadOptions {
  /**
   * Address columns the caller can take in dictionary form (`JobColumns.addressDicts`); a backend
   * that cannot (an open minute, another backend) returns them as 16-byte rows in `columns`.
   */
  readonly addressDicts?: readonly string[] | undefined;
  /**
   * Numeric columns the caller can take in keyed form (`JobColumns.keyed`); a backend returns one
   * there only where it stores it as a function of an address, and in `columns` otherwise.
   */
  readonly keyed?: readonly string[] | undefined;
  /** Whether the caller takes keyed columns with `KeyedColumn.codes`. */
  readonly keyedCodes?: boolean | undefined;
  /**
   * Address columns of which the caller needs only the distinct values over all the job's rows
   * (`JobColumns.distinct`); a backend that cannot tell them without the rows returns the column
   * as it would otherwise (dictionary form when also asked in `addressDicts`, else rows).
   */
  readonly distinct?: readonly string[] | undefined;
}

/** The columns of a job, decoded: one typed array per column (addresses 16 bytes per row). */
export interface JobColumns {
  readonly rows: number;
  readonly columns: Readonly<Record<string, NumberArray>>;
  /** For string columns: the dictionary the column's codes index (code 0 is ''). */
  readonly dicts: Readonly<Record<string, readonly string[]>>;
  /**
   * Address columns returned in dictionary form (only ones asked for in `ReadOptions`).
   */
  readonly addressDicts?: Readonly<Record<string, AddressDictionary>> | undefined;
  /**
   * Numeric columns returned in keyed form (only ones asked for in `ReadOptions.keyed`); each
   * requested column is in exactly one of `columns`, `addressDicts`, `keyed` and `distinct`.
   */
  readonly keyed?: Readonly<Record<string, KeyedColumn>> | undefined;
  /** Address columns returned as their distinct values only (only ones asked for in `ReadOptions.distinct`). */
  readonly distinct?: Readonly<Record<string, AddressSet>> | undefined;
}

export interface DeviceSummary {
  readonly id: number;
  readonly name: string;
  readonly rows: number;
  readonly firstBucket: number;
  readonly lastBucket: number;
}

export interface StorageBackend {
  readonly kind: string;
  start(): Promise<void>;
  stop(): Promise<void>;
  /**
   * Appends flows (rows 0..flows.length) to a tenant. Resolves once they are durable under the
   * backend's policy: that is the acknowledgement. The batch may be reused after it resolves.
   */
  append(tenant: string, flows: FlowBatch): Promise<void>;
  tenants(): Promise<string[]>;
  devices(tenant: string): Promise<DeviceSummary[]>;
  /** The jobs covering a request, in bucket then device order. */
  jobs(request: ScanRequest): Promise<ScanJob[]>;
  /** Reads the named columns of a job. */
  read(job: ScanJob, columns: readonly string[], options?: ReadOptions): Promise<JobColumns>;
  /**
   * Rollups of `resolution` are complete for every bucket before the returned time (0 when there
   * are none): a query may read rollups for full buckets before it and raw minutes after it.
   */
  rollupsCompleteUntil(tenant: string, resolution: 'hour' | 'day'): Promise<number>;
  /** Deletes whole buckets older than each tenant's retention; returns how many buckets went. */
  applyRetention(now: number): Promise<number>;
}
