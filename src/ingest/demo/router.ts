import { createExportFlow, type ExportFlow } from '../export/flow.js';
import { FlowGenerator } from '../export/generator.js';
import { Netflow9Encoder } from '../export/netflow9.js';
import { netflow9IPv4Template, netflow9IPv6Template } from '../export/templates.js';
import type { RouterProfile } from './config.js';

export interface RouterExportConfig {
  readonly templateIntervalMs: number;
  readonly maxBytes: number;
}

/** At most this much time is caught up at once (after a stalled event loop): the rest is skipped. */
const maxCatchUpMs = 2_000;

/**
 * One simulated router's NetFlow v9 export: flows accrue at the profile's rate, and each `tick`
 * builds the datagrams a router would send for them — templates, the options template and
 * sampling options data first and again every `templateIntervalMs`, then data sets filled to
 * `maxBytes`. Sequence numbers count datagrams (RFC 3954 section 5.1). Flows are generated into a
 * reused pool; only the datagram buffers are new, since they are handed to the socket.
 */
export class SimulatedRouter {
  readonly encoder: Netflow9Encoder;
  private readonly generator: FlowGenerator;
  private readonly pool: ExportFlow[];
  private readonly v4: ExportFlow[];
  private readonly v6: ExportFlow[];
  private lastTick = Number.NaN;
  private templatesSentAt = Number.NEGATIVE_INFINITY;
  private carry = 0;
  /** Flows exported so far (data records). */
  flows = 0;
  datagrams = 0;

  constructor(
    readonly profile: RouterProfile,
    private readonly config: RouterExportConfig,
    startMs: number,
  ) {
    this.encoder = new Netflow9Encoder({
      sourceId: profile.sourceId,
      bootMs: startMs - profile.uptimeMs,
      maxBytes: config.maxBytes,
    });
    this.generator = new FlowGenerator({
      seed: profile.seed,
      ipv6Fraction: profile.ipv6Fraction,
      interfaces: profile.interfaces,
    });
    const size = Math.ceil((profile.flowsPerSecond * maxCatchUpMs) / 1000) + 1;
    this.pool = Array.from({ length: size }, createExportFlow);
    this.v4 = new Array(size);
    this.v6 = new Array(size);
  }

  /**
   * Builds the datagrams due at `now` and passes each to `send`. The first call only sends
   * templates (no time has passed, so no flows are due yet).
   */
  tick(now: number, send: (datagram: Buffer) => void): void {
    if (now - this.templatesSentAt >= this.config.templateIntervalMs) {
      send(this.templatePacket(now));
      this.templatesSentAt = now;
    }
    const elapsed = Number.isNaN(this.lastTick)
      ? 0
      : Math.min(maxCatchUpMs, Math.max(0, now - this.lastTick));
    this.lastTick = now;
    const due = this.carry + (this.profile.flowsPerSecond * elapsed) / 1000;
    const count = Math.min(this.pool.length, Math.floor(due));
    this.carry = due - count;
    let n4 = 0;
    let n6 = 0;
    for (let i = 0; i < count; i++) {
      const f = this.pool[i]!;
      this.generator.next(f, now);
      this.plausibleInterfaces(f);
      if (f.ipVersion === 6) this.v6[n6++] = f;
      else this.v4[n4++] = f;
    }
    let i4 = 0;
    let i6 = 0;
    while (i4 < n4 || i6 < n6) {
      const buf = Buffer.allocUnsafe(this.config.maxBytes);
      this.encoder.start(buf, now);
      if (i4 < n4) i4 += this.encoder.addData(netflow9IPv4Template.id, this.v4, i4, n4 - i4);
      if (i6 < n6) i6 += this.encoder.addData(netflow9IPv6Template.id, this.v6, i6, n6 - i6);
      send(this.finish(buf));
    }
    this.flows += count;
  }

  private templatePacket(now: number): Buffer {
    const buf = Buffer.allocUnsafe(this.config.maxBytes);
    this.encoder.start(buf, now);
    this.encoder.addTemplates();
    this.encoder.addOptionsTemplates();
    this.encoder.addSampling(this.profile.sampleRate);
    return this.finish(buf);
  }

  private finish(buf: Buffer): Buffer {
    this.datagrams++;
    return buf.subarray(0, this.encoder.finish());
  }

  private plausibleInterfaces(f: ExportFlow): void {
    const offset = this.profile.firstIfIndex - 1;
    f.inputIf += offset;
    f.outputIf += offset;
  }
}
