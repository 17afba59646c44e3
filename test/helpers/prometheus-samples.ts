/**
 * The samples of a Prometheus text exposition, keyed by `name{k="v",…}` exactly as written (our
 * exporter writes a series' tags in key order), and the HELP text of each family.
 */
export class PrometheusSamples {
  readonly values = new Map<string, number>();
  readonly help = new Map<string, string>();

  constructor(text: string) {
    for (const line of text.split('\n')) {
      if (line === '') continue;
      const help = /^# HELP (\S+) (.*)$/.exec(line);
      if (help !== null) this.help.set(help[1]!, help[2]!);
      if (line.startsWith('#')) continue;
      const space = line.lastIndexOf(' ');
      this.values.set(line.slice(0, space), Number(line.slice(space + 1)));
    }
  }

  /** The value of one series; throws when it is not exposed. */
  get(name: string, tags: Record<string, string> = {}): number {
    const key = seriesKey(name, tags);
    const v = this.values.get(key);
    if (v === undefined) throw new Error(`${key} is not exposed`);
    return v;
  }

  has(name: string, tags: Record<string, string> = {}): boolean {
    return this.values.has(seriesKey(name, tags));
  }
}

export function seriesKey(name: string, tags: Record<string, string>): string {
  const labels = Object.keys(tags)
    .sort()
    .map((k) => `${k}="${tags[k]!.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`))}"`);
  return labels.length === 0 ? name : `${name}{${labels.join(',')}}`;
}
