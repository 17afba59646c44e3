import type { Device } from './device.js';
import { DeviceStats } from './device.js';
import type { Template } from './netflow/template.js';
import { SequenceTracker } from './sequence.js';

/**
 * What flowlens keeps per observation domain of an exporter: a NetFlow v9 source id, an IPFIX
 * observation domain, or an sFlow agent address + sub-agent id.
 */
export class DomainState {
  readonly sequence = new SequenceTracker();
  /** NetFlow v9 / IPFIX templates by template id. */
  readonly templates = new Map<number, Template>();
  /** Sampling rates announced in options data, by sampler id (0: the domain's own rate). */
  readonly samplers = new Map<number, number>();
  /** sFlow: per data source (source id class and index) sample sequence trackers. */
  readonly sampleSequences = new Map<number, SequenceTracker>();
  /** IPFIX: the exporter's boot time (ms) from options data, base of uptime-relative times; 0 unknown. */
  systemInitMs = 0;
}

/** An exporter (UDP/TCP source address) and the device it maps to. */
export class ExporterState {
  readonly stats = new DeviceStats();
  readonly domains = new Map<string | number, DomainState>();
  /** Bumped when a template is added, replaced or withdrawn or a sampling rate changes: tells the template store to save. */
  templatesVersion = 0;

  constructor(
    readonly address: string,
    readonly device: Device,
  ) {}

  /** The state of one domain, created on first use. `version` keeps protocols apart. */
  domain(version: number, id: number | string): DomainState {
    const key = typeof id === 'number' ? version * 0x1_0000_0000 + id : `${version}/${id}`;
    let d = this.domains.get(key);
    if (d === undefined) {
      d = new DomainState();
      this.domains.set(key, d);
    }
    return d;
  }
}
