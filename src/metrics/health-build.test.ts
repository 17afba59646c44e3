import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gitCommit, readBuildInfo } from './health-build.js';

/** Real git is the oracle: what `git rev-parse HEAD` says is what we must read from .git. */
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

function temp(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-build-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function repo(t: TestContext): string {
  const dir = join(temp(t), 'repo');
  mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'package.json'), '{"version": "9.8.7"}\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'one');
  return dir;
}

test('the commit from .git: a loose ref, packed refs, a detached HEAD', (t) => {
  const dir = repo(t);
  assert.equal(gitCommit(dir), git(dir, 'rev-parse', 'HEAD'));
  writeFileSync(join(dir, 'b.txt'), 'b');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'two');
  git(dir, 'pack-refs', '--all');
  assert.equal(git(dir, 'for-each-ref', '--format=%(refname)', 'refs/heads'), 'refs/heads/main');
  assert.equal(gitCommit(dir), git(dir, 'rev-parse', 'HEAD'), 'from packed-refs');
  git(dir, 'checkout', '-q', '--detach', 'HEAD~1');
  assert.equal(gitCommit(dir), git(dir, 'rev-parse', 'HEAD'), 'detached');
});

test('the commit of a worktree (.git is a file pointing into the main repository)', (t) => {
  const dir = repo(t);
  const wt = join(dir, '..', 'wt');
  git(dir, 'worktree', 'add', '-q', '-b', 'side', wt);
  writeFileSync(join(wt, 'c.txt'), 'c');
  git(wt, 'add', '.');
  git(wt, 'commit', '-q', '-m', 'side');
  assert.equal(gitCommit(wt), git(wt, 'rev-parse', 'HEAD'));
  assert.notEqual(gitCommit(wt), gitCommit(dir));
});

test('an installed copy: build-info.json wins; without it and without .git, unknown', (t) => {
  const root = temp(t);
  writeFileSync(join(root, 'package.json'), '{"version": "1.2.3"}');
  const moduleFile = join(root, 'module.js');
  writeFileSync(moduleFile, '');
  // npm packs every file with this mtime: not a build time.
  utimesSync(moduleFile, new Date('1985-10-26T08:15:00Z'), new Date('1985-10-26T08:15:00Z'));
  const buildInfoFile = join(root, 'build-info.json');
  assert.deepEqual(readBuildInfo({ root, buildInfoFile, moduleFile }), {
    version: '1.2.3',
    commit: 'unknown',
    buildTime: 'unknown',
  });
  utimesSync(moduleFile, new Date('2024-05-06T07:08:09Z'), new Date('2024-05-06T07:08:09Z'));
  assert.equal(readBuildInfo({ root, buildInfoFile, moduleFile }).buildTime, '2024-05-06T07:08:09.000Z');
  writeFileSync(
    buildInfoFile,
    JSON.stringify({ commit: 'abc-dirty', buildTime: '2024-01-01T00:00:00.000Z' }),
  );
  assert.deepEqual(readBuildInfo({ root, buildInfoFile, moduleFile }), {
    version: '1.2.3',
    commit: 'abc-dirty',
    buildTime: '2024-01-01T00:00:00.000Z',
  });
});

test('scripts/build-info.mjs stamps the commit of the checkout it runs in', (t) => {
  const out = temp(t);
  const script = fileURLToPath(new URL('../../../scripts/build-info.mjs', import.meta.url));
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const before = Date.now();
  execFileSync(process.execPath, [script, out]);
  const after = Date.now();
  const file = join(out, 'src', 'build-info.json');
  const info = readBuildInfo({ root, buildInfoFile: file, moduleFile: file });
  const head = git(root, 'rev-parse', 'HEAD');
  assert.match(info.commit, new RegExp(`^${head}(-dirty)?$`));
  const stamped = Date.parse(info.buildTime);
  assert.ok(stamped >= before && stamped <= after, `${info.buildTime} is the time of the run`);
});
