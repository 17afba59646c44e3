import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../util/atomic-file.js';
import type { DomainState, ExporterState } from '../exporter.js';
import type { TemplateField } from './template.js';
import { installTemplate } from './template-set.js';

/**
 * Template persistence: routers resend templates only every few minutes, so a collector restart
 * would otherwise drop all data until then. The file holds, per exporter address and NetFlow v9 /
 * IPFIX domain, every template (id, kind, field list) and the sampling rates learned from options
 * data. It is replaced atomically (write a temporary file, fsync, rename).
 */

const FORMAT = 1;
/** Domain keys of ExporterState.domain(): version * 2^32 + domain id. */
const VERSION_SHIFT = 0x1_0000_0000;

interface StoredTemplate {
  id: number;
  options: boolean;
  scopeCount: number;
  /** [element id, length, enterprise number] */
  fields: [number, number, number][];
}

interface StoredDomain {
  version: number;
  domain: number;
  templates: StoredTemplate[];
  samplers: [number, number][];
  systemInitMs: number;
}

interface StoredFile {
  format: number;
  exporters: { address: string; domains: StoredDomain[] }[];
}

function storedDomain(key: number, d: DomainState): StoredDomain | undefined {
  const version = Math.floor(key / VERSION_SHIFT);
  if ((version !== 9 && version !== 10) || d.templates.size === 0) return undefined;
  return {
    version,
    domain: key % VERSION_SHIFT,
    templates: [...d.templates.values()].map((t) => ({
      id: t.id,
      options: t.options,
      scopeCount: t.scopeCount,
      fields: t.fields.map((f): [number, number, number] => [f.id, f.length, f.pen]),
    })),
    samplers: [...d.samplers],
    systemInitMs: d.systemInitMs,
  };
}

/** Writes every NetFlow v9 / IPFIX template of the exporters to `file`, atomically. */
export async function saveTemplates(file: string, exporters: Iterable<ExporterState>): Promise<void> {
  const content: StoredFile = { format: FORMAT, exporters: [] };
  for (const exporter of exporters) {
    const domains: StoredDomain[] = [];
    for (const [key, d] of exporter.domains) {
      const stored = typeof key === 'number' ? storedDomain(key, d) : undefined;
      if (stored !== undefined) domains.push(stored);
    }
    if (domains.length > 0) content.exporters.push({ address: exporter.address, domains });
  }
  await writeFileAtomic(file, JSON.stringify(content));
}

const isUint = (v: unknown, max: number): v is number =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;

/**
 * Restores templates saved by `saveTemplates` into the exporters `getExporter` returns (compiling
 * them again). Returns how many templates were restored; 0 when the file does not exist. Entries
 * that are not valid templates are skipped. Rejects when the file is not a template store.
 */
export async function loadTemplates(
  file: string,
  getExporter: (address: string) => ExporterState,
): Promise<number> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
  let content: StoredFile;
  try {
    content = JSON.parse(text) as StoredFile;
  } catch {
    throw new Error(
      `template store ${file} is not valid JSON: delete it, routers will resend their templates`,
    );
  }
  if (content?.format !== FORMAT || !Array.isArray(content.exporters))
    throw new Error(
      `template store ${file} has an unknown format: delete it, routers will resend their templates`,
    );
  let restored = 0;
  for (const { address, domains } of content.exporters) {
    if (typeof address !== 'string' || !Array.isArray(domains)) continue;
    const exporter = getExporter(address);
    for (const stored of domains) restored += restoreDomain(exporter, stored);
  }
  return restored;
}

function restoreDomain(exporter: ExporterState, stored: StoredDomain): number {
  if ((stored.version !== 9 && stored.version !== 10) || !isUint(stored.domain, 0xffffffff)) return 0;
  const domain = exporter.domain(stored.version, stored.domain);
  let restored = 0;
  for (const t of Array.isArray(stored.templates) ? stored.templates : []) {
    if (!Array.isArray(t.fields)) continue;
    const fields: TemplateField[] = t.fields
      .filter(
        (f) => Array.isArray(f) && isUint(f[0], 0x7fff) && isUint(f[1], 0xffff) && isUint(f[2], 0xffffffff),
      )
      .map(([id, length, pen]) => ({ id, length, pen }));
    if (fields.length !== t.fields.length || !isUint(t.id, 0xffff) || !isUint(t.scopeCount, 0xffff)) continue;
    const spec = {
      id: t.id,
      version: stored.version,
      options: t.options === true,
      scopeCount: t.scopeCount,
      fields,
    };
    if (installTemplate(spec, domain, exporter, undefined)) restored++;
  }
  for (const pair of Array.isArray(stored.samplers) ? stored.samplers : [])
    if (Array.isArray(pair) && isUint(pair[0], Number.MAX_SAFE_INTEGER) && isUint(pair[1], 0xffffffff))
      domain.samplers.set(pair[0], pair[1]);
  if (isUint(stored.systemInitMs, Number.MAX_SAFE_INTEGER)) domain.systemInitMs = stored.systemInitMs;
  return restored;
}

/**
 * Saves only when something changed: remembers each exporter's `templatesVersion` as of the last
 * save or load. The collector calls `saveIfChanged` periodically and on shutdown.
 */
export class TemplateStore {
  private readonly saved = new WeakMap<ExporterState, number>();

  constructor(readonly file: string) {}

  async load(getExporter: (address: string) => ExporterState): Promise<number> {
    const touched = new Set<ExporterState>();
    const n = await loadTemplates(this.file, (address) => {
      const exporter = getExporter(address);
      touched.add(exporter);
      return exporter;
    });
    for (const exporter of touched) this.saved.set(exporter, exporter.templatesVersion);
    return n;
  }

  /** Whether any exporter's templates changed since the last save or load. */
  changed(exporters: Iterable<ExporterState>): boolean {
    for (const e of exporters) if ((this.saved.get(e) ?? 0) !== e.templatesVersion) return true;
    return false;
  }

  async saveIfChanged(exporters: Iterable<ExporterState>): Promise<boolean> {
    const list = [...exporters];
    if (!this.changed(list)) return false;
    const versions = list.map((e) => e.templatesVersion);
    await saveTemplates(this.file, list);
    list.forEach((e, i) => {
      this.saved.set(e, versions[i]!);
    });
    return true;
  }
}
