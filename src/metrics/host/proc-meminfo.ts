/**
 * /proc/meminfo: `MemTotal:       24684092 kB` lines → field name → bytes (a `kB` value is
 * KiB: the kernel prints pages << (PAGE_SHIFT − 10)). A field without unit (HugePages_Total) is a count.
 */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([^:\s]+):\s+(\d+)(?:\s+kB)?\s*$/.exec(line);
    if (m === null) continue;
    const n = Number(m[2]);
    out.set(m[1]!, line.trimEnd().endsWith('kB') ? n * 1024 : n);
  }
  return out;
}
