import { F, type FlowBatch } from '../../flow/batch.js';
import type { AppDecoder, FlowRecordSink } from '../contract.js';

/** The app_protocol values a record can carry, and `none` for a record without one. */
export const recordProtocols = ['none', 'dns', 'http', 'dhcp', 'tls'] as const satisfies readonly (
  | 'none'
  | AppDecoder<unknown>['protocol']
)[];

export type RecordProtocol = (typeof recordProtocols)[number];

/**
 * Sums of the records the flow table exported, for the agent's metrics: the TCP tracker reports
 * each flow's counts since its previous record, so these sums are the tracker's totals. Counted
 * per batch over the typed arrays, with no allocation.
 */
export class RecordTotals {
  records = 0;
  /** Records by app_protocol, indexed like recordProtocols (other values count as `none`). */
  readonly byProtocol = new Float64Array(recordProtocols.length);
  /** in: client → server, out: server → client, as in the record. */
  retransmittedIn = 0;
  retransmittedOut = 0;
  repeatedRetransmits = 0;
  outOfOrderIn = 0;
  outOfOrderOut = 0;
  zeroWindows = 0;

  /** Adds a batch's records. */
  add(batch: FlowBatch): void {
    const a = batch.arrays;
    const protocols = batch.dicts[F.app_protocol]!.values;
    const app = a[F.app_protocol]!;
    const rin = a[F.retransmitted_in_pkts]!;
    const rout = a[F.retransmitted_out_pkts]!;
    const rep = a[F.repeated_retransmits]!;
    const oin = a[F.ooorder_in_pkts]!;
    const oout = a[F.ooorder_out_pkts]!;
    const zw = a[F.zero_window]!;
    const n = batch.length;
    for (let r = 0; r < n; r++) {
      this.byProtocol[protocolIndex(protocols[app[r]!]!)]!++;
      this.retransmittedIn += rin[r]!;
      this.retransmittedOut += rout[r]!;
      this.repeatedRetransmits += rep[r]!;
      this.outOfOrderIn += oin[r]!;
      this.outOfOrderOut += oout[r]!;
      this.zeroWindows += zw[r]!;
    }
    this.records += n;
  }

  /** A sink that counts each batch, then hands it to `next` (before it is reused). */
  counting(next: FlowRecordSink): FlowRecordSink {
    return {
      write: (batch) => {
        this.add(batch);
        next.write(batch);
      },
    };
  }
}

function protocolIndex(value: string): number {
  for (let i = 1; i < recordProtocols.length; i++) if (recordProtocols[i] === value) return i;
  return 0;
}
