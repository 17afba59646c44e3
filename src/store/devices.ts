import type { DeviceSummary, JobColumns, ScanJob } from './backend.js';
import type { Catalog } from './catalog/catalog.js';
import type { SealedLocation } from './read/location.js';

interface DeviceDraft {
  rows: number;
  firstBucket: number;
  lastBucket: number;
  /** A job over one part of the device, to read its name from when not cached. */
  sample: ScanJob;
}

/**
 * The devices of a tenant from the catalog (sealed minutes) and the open minutes, with their row
 * counts and time span. A device's name is read once from one of its rows (i_device_name) and
 * cached in `names`.
 */
export async function deviceSummaries(
  catalog: Catalog,
  tenant: string,
  open: readonly ScanJob[],
  names: Map<number, string>,
  read: (job: ScanJob) => Promise<JobColumns>,
): Promise<DeviceSummary[]> {
  const drafts = new Map<number, DeviceDraft>();
  const note = (deviceId: number, bucket: number, rows: number, sample: () => ScanJob) => {
    const draft = drafts.get(deviceId);
    if (draft === undefined) {
      drafts.set(deviceId, { rows, firstBucket: bucket, lastBucket: bucket, sample: sample() });
      return;
    }
    draft.rows += rows;
    if (bucket < draft.firstBucket) draft.firstBucket = bucket;
    if (bucket > draft.lastBucket) {
      draft.lastBucket = bucket;
      if (!names.has(deviceId)) draft.sample = sample();
    }
  };
  for (const file of catalog.files(tenant, 'flows')) {
    file.meta.parts.forEach((part, index) => {
      if (part.rows === 0) return;
      note(part.deviceId, part.bucket, part.rows, () => {
        const location: SealedLocation = {
          kind: 'sealed',
          parts: [{ path: file.path, part: index, bytes: file.meta.bytes }],
        };
        return {
          tenant,
          resolution: 'minute',
          bucket: part.bucket,
          deviceId: part.deviceId,
          rows: part.rows,
          sealed: true,
          dataId: undefined,
          location,
        };
      });
    });
  }
  for (const job of open) note(job.deviceId, job.bucket, job.rows, () => job);
  const out: DeviceSummary[] = [];
  for (const [id, draft] of [...drafts].sort((a, b) => a[0] - b[0])) {
    let name = names.get(id);
    if (name === undefined) {
      name = await readName(draft.sample, read);
      if (name !== undefined) names.set(id, name);
    }
    out.push({
      id,
      name: name ?? '',
      rows: draft.rows,
      firstBucket: draft.firstBucket,
      lastBucket: draft.lastBucket,
    });
  }
  return out;
}

async function readName(
  job: ScanJob,
  read: (job: ScanJob) => Promise<JobColumns>,
): Promise<string | undefined> {
  try {
    const columns = await read(job);
    const codes = columns.columns.i_device_name;
    const dict = columns.dicts.i_device_name;
    if (codes === undefined || dict === undefined || columns.rows === 0) return undefined;
    return dict[codes[columns.rows - 1]!];
  } catch {
    return undefined;
  }
}
