import type { Logger } from '../log/logger.js';
import type { RateLimitedErrorLog } from '../log/rate-limited.js';
import type { DeviceRegistry } from './devices.js';
import type { ExporterState } from './exporter.js';

/** Keeps NetFlow v9 / IPFIX templates across restarts (netflow/template-store.ts's TemplateStore). */
export interface TemplatePersistence {
  readonly file: string;
  /** Restores saved templates into the exporters; resolves with how many. */
  load(getExporter: (address: string) => ExporterState): Promise<number>;
  /** Saves when any exporter's templatesVersion moved since the last save or load. */
  saveIfChanged(exporters: Iterable<ExporterState>): Promise<boolean>;
}

/** Keeps auto-registered devices' ids across restarts (device-store.ts's DeviceStore). */
export interface DevicePersistence {
  readonly file: string;
  load(registry: DeviceRegistry): Promise<number>;
  saveIfChanged(registry: DeviceRegistry): Promise<boolean>;
}

export interface CollectorStateDeps {
  log: Logger;
  templates?: TemplatePersistence | undefined;
  devices?: DevicePersistence | undefined;
}

/**
 * What the collector keeps in the data directory between runs: learned templates and the ids of
 * auto-registered devices. Loaded at start, saved when changed (polled) and at stop. Failures are
 * logged, never fatal: routers resend templates, and the collector keeps collecting.
 */
export class CollectorState {
  private saving: Promise<void> = Promise.resolve();
  private running = false;

  constructor(
    private readonly deps: CollectorStateDeps,
    private readonly registry: DeviceRegistry,
    private readonly errorLog: RateLimitedErrorLog,
  ) {}

  /** Restores remembered devices first, then templates (which may register exporters themselves). */
  async load(): Promise<void> {
    const { devices, templates, log } = this.deps;
    if (devices !== undefined) {
      try {
        const n = await devices.load(this.registry);
        if (n > 0) log.info(`restored ${n} auto-registered devices from ${devices.file}`);
      } catch (err) {
        log.warn(`cannot restore devices: ${errorMessage(err)}`, {
          reason: 'device_restore',
          file: devices.file,
        });
      }
    }
    if (templates !== undefined) {
      try {
        const n = await templates.load((address) => this.registry.exporterToRestore(address));
        if (n > 0) log.info(`restored ${n} templates from ${templates.file}`);
      } catch (err) {
        // Meanwhile data from those exporters is counted as template_missing until templates arrive.
        log.warn(`cannot restore templates: ${errorMessage(err)}`, {
          reason: 'template_restore',
          file: templates.file,
        });
      }
    }
  }

  /** Saves what changed; a save still running (fsync) is not overlapped. */
  save(): Promise<void> {
    if (this.running) return this.saving;
    this.running = true;
    this.saving = this.saveChanged().finally(() => {
      this.running = false;
    });
    return this.saving;
  }

  /** Waits for a save in progress, then saves whatever changed since (at stop). */
  async saveNow(): Promise<void> {
    await this.saving;
    await this.save();
  }

  private async saveChanged(): Promise<void> {
    const { devices, templates } = this.deps;
    try {
      await devices?.saveIfChanged(this.registry);
    } catch (err) {
      this.errorLog.error('device_save', `${devices!.file}: ${errorMessage(err)}`, { file: devices!.file });
    }
    try {
      await templates?.saveIfChanged(this.registry.all());
    } catch (err) {
      this.errorLog.error('template_save', `${templates!.file}: ${errorMessage(err)}`, {
        file: templates!.file,
      });
    }
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
