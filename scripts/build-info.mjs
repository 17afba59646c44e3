// Writes <outDir>/src/build-info.json (default outDir: dist) with the git commit and the build
// time, so that the health socket and /healthz of an installed copy (no .git) still say what was
// built. Without git or a checkout the commit is 'unknown'. Run by `npm run build` after tsc.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = resolve(root, process.argv[2] ?? 'dist');

function git(args) {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

const sha = git(['rev-parse', '--verify', 'HEAD']);
const dirty = sha !== undefined && git(['status', '--porcelain', '--untracked-files=no']) !== '';
const info = {
  commit: sha === undefined ? 'unknown' : `${sha}${dirty ? '-dirty' : ''}`,
  buildTime: new Date().toISOString(),
};
const file = join(outDir, 'src', 'build-info.json');
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`);
