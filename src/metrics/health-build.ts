import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What was built: the package version, the git commit and the build time. In order:
 *   1. build-info.json beside the compiled sources (dist/src/build-info.json), written by
 *      `npm run build` (scripts/build-info.mjs) — what an npm-installed copy has;
 *   2. otherwise the commit from the checkout's .git (HEAD, loose or packed refs, worktrees), read
 *      at start without running git, and the time the compiled module was written;
 *   3. otherwise 'unknown'.
 */
export interface BuildInfo {
  readonly version: string;
  /** 40 hex digits, `-dirty` appended when built from a modified tree; or 'unknown'. */
  readonly commit: string;
  /** ISO 8601, or 'unknown'. */
  readonly buildTime: string;
}

export interface BuildPaths {
  /** The package root: package.json, and .git in a checkout. */
  readonly root: string;
  readonly buildInfoFile: string;
  /** A compiled module whose modification time is the build time when no build-info.json exists. */
  readonly moduleFile: string;
}

/** For the compiled copy this module belongs to: <root>/dist/src/metrics/health-build.js. */
export function defaultBuildPaths(): BuildPaths {
  return {
    root: fileURLToPath(new URL('../../../', import.meta.url)),
    buildInfoFile: fileURLToPath(new URL('../build-info.json', import.meta.url)),
    moduleFile: fileURLToPath(import.meta.url),
  };
}

/** npm packs every file with this mtime (1985-10-26), so before 1990 means "not a build time". */
const npmEpoch = Date.UTC(1990, 0, 1);

export function readBuildInfo(paths: BuildPaths = defaultBuildPaths()): BuildInfo {
  const version = readJson(join(paths.root, 'package.json'))?.version;
  const stamped = readJson(paths.buildInfoFile);
  const stampedCommit = typeof stamped?.commit === 'string' ? stamped.commit : undefined;
  const stampedTime = typeof stamped?.buildTime === 'string' ? stamped.buildTime : undefined;
  return {
    version: typeof version === 'string' ? version : 'unknown',
    commit: stampedCommit ?? gitCommit(paths.root) ?? 'unknown',
    buildTime: stampedTime ?? moduleTime(paths.moduleFile) ?? 'unknown',
  };
}

/** The commit HEAD points at in `root`'s checkout, without running git; undefined if none. */
export function gitCommit(root: string): string | undefined {
  const gitDir = findGitDir(root);
  if (gitDir === undefined) return undefined;
  const head = readText(join(gitDir, 'HEAD'))?.trim();
  if (head === undefined) return undefined;
  if (isSha(head)) return head;
  if (!head.startsWith('ref: ')) return undefined;
  const ref = head.slice(5).trim();
  // A worktree keeps HEAD in its own directory, the refs in the common one.
  const common = readText(join(gitDir, 'commondir'))?.trim();
  const dirs = [gitDir];
  if (common !== undefined) dirs.push(isAbsolute(common) ? common : join(gitDir, common));
  for (const dir of dirs) {
    const loose = readText(join(dir, ref))?.trim();
    if (loose !== undefined && isSha(loose)) return loose;
    const packed = readText(join(dir, 'packed-refs'));
    for (const line of packed?.split('\n') ?? []) {
      const [sha, name] = line.trim().split(' ');
      if (name === ref && sha !== undefined && isSha(sha)) return sha;
    }
  }
  return undefined;
}

function findGitDir(root: string): string | undefined {
  const dotGit = join(root, '.git');
  try {
    if (statSync(dotGit).isDirectory()) return dotGit;
  } catch {
    return undefined;
  }
  // A worktree or submodule: `.git` is a file saying `gitdir: <path>`.
  const pointer = readText(dotGit)?.trim();
  if (pointer === undefined || !pointer.startsWith('gitdir: ')) return undefined;
  const dir = pointer.slice(8).trim();
  return isAbsolute(dir) ? dir : join(root, dir);
}

function moduleTime(file: string): string | undefined {
  try {
    const mtime = statSync(file).mtimeMs;
    return mtime < npmEpoch ? undefined : new Date(mtime).toISOString();
  } catch {
    return undefined;
  }
}

function isSha(text: string): boolean {
  return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(text);
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function readJson(file: string): Record<string, unknown> | undefined {
  const text = readText(file);
  if (text === undefined) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
