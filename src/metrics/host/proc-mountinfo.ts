/**
 * /proc/self/mountinfo (proc(5)): `36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw`
 * — id, parent, major:minor, root, mount point, options, optional fields, `-`, type, source,
 * super options. Paths escape space, tab, newline and backslash as octal (`\040`).
 */
export interface Mount {
  readonly major: number;
  readonly minor: number;
  readonly mountPoint: string;
  readonly fsType: string;
  readonly source: string;
}

export function parseMountinfo(text: string): Mount[] {
  const out: Mount[] = [];
  for (const line of text.split('\n')) {
    const f = line.split(' ');
    const dash = f.indexOf('-', 6);
    const devNo = /^(\d+):(\d+)$/.exec(f[2] ?? '');
    if (dash < 0 || devNo === null || f[4] === undefined || f.length < dash + 3) continue;
    out.push({
      major: Number(devNo[1]),
      minor: Number(devNo[2]),
      mountPoint: unescapeOctal(f[4]),
      fsType: f[dash + 1]!,
      source: unescapeOctal(f[dash + 2]!),
    });
  }
  return out;
}

/** The mount that holds the absolute, symlink-free `path`: the longest mount point above it, the
 * last mounted when one point is mounted over. */
export function mountOf(mounts: readonly Mount[], path: string): Mount | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const p = m.mountPoint;
    const holds = p === '/' || path === p || path.startsWith(`${p}/`);
    if (holds && (best === undefined || p.length >= best.mountPoint.length)) best = m;
  }
  return best;
}

function unescapeOctal(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(Number.parseInt(o, 8)));
}
