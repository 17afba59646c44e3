import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../util/atomic-file.js';
import type { DeviceRegistry, RememberedDevice } from './devices.js';

const FORMAT = 1;

/**
 * Remembers auto-registered devices (address → id) in the data directory, so that an exporter
 * keeps its device id across restarts and stored flows stay attributed to the same device. The
 * file is replaced atomically.
 */
export class DeviceStore {
  private savedVersion = -1;

  constructor(readonly file: string) {}

  /** Restores remembered devices into the registry; resolves with how many. */
  async load(registry: DeviceRegistry): Promise<number> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    let content: { format?: unknown; devices?: unknown };
    try {
      content = JSON.parse(text);
    } catch {
      throw new Error(
        `device list ${this.file} is not valid JSON: delete it (device ids are then reallocated)`,
      );
    }
    if (content?.format !== FORMAT || !Array.isArray(content.devices))
      throw new Error(
        `device list ${this.file} has an unknown format: delete it (device ids are then reallocated)`,
      );
    const devices = content.devices.filter(
      (d): d is RememberedDevice =>
        typeof d?.address === 'string' && Number.isInteger(d?.id) && d.id > 0 && d.id <= 0xffff_ffff,
    );
    const restored = registry.restore(devices);
    this.savedVersion = registry.autoRegisteredVersion;
    return restored;
  }

  /** Saves the auto-registered devices if any was added since the last save or load. */
  async saveIfChanged(registry: DeviceRegistry): Promise<boolean> {
    const version = registry.autoRegisteredVersion;
    if (version === this.savedVersion) return false;
    await writeFileAtomic(
      this.file,
      JSON.stringify({ format: FORMAT, devices: registry.rememberedDevices() }),
    );
    this.savedVersion = version;
    return true;
  }
}
