/** An environment's source: a ref resolved with git's meaning, the reference app exported at it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../config/errors.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { tempDir } from '../testing/temp.ts';
import { exportApp, resolveRef } from './source.ts';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd, encoding: 'utf8' }).trim();

test("resolveRef: a ref's full and short sha; an unknown one in words, with git's own", () => {
  const head = resolveRef('HEAD');
  assert.equal(head.sha, git(REPO_ROOT, 'rev-parse', 'HEAD'));
  assert.ok(head.sha.startsWith(head.build) && head.build.length >= 7);
  for (const ref of ['no-such-branch-xyz', 'HEAD~99999', '--output=/tmp/x']) {
    assert.throws(
      () => resolveRef(ref),
      (e: Error) => e instanceof UsageError && e.exitCode === 64 && e.message.startsWith(`--ref ${ref} is not a commit of this repository`),
      ref,
    );
  }
  assert.throws(() => resolveRef('no-such-branch-xyz'), /no branch, tag or commit has that name here \(git: /);
});

test('resolveRef: a commit without the reference app is refused as predating it', (t) => {
  const repo = tempDir(t, 'tollgate-src');
  git(repo, 'init', '-q');
  writeFileSync(join(repo, 'README.md'), 'before the app\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'first');
  assert.throws(
    () => resolveRef('HEAD', repo),
    (e: Error) => e instanceof UsageError && /has no reference-app\/api: it predates the reference app/.test(e.message),
  );
});

test("exportApp: the app's files at the commit, not the working tree's, and this checkout's packages beside them", async (t) => {
  const repo = tempDir(t, 'tollgate-src');
  git(repo, 'init', '-q');
  execFileSync('mkdir', ['-p', join(repo, 'reference-app', 'api')]);
  writeFileSync(join(repo, 'reference-app', 'api', '__init__.py'), 'VERSION = "committed"\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-qm', 'app');
  const { sha } = resolveRef('HEAD', repo);
  writeFileSync(join(repo, 'reference-app', 'api', '__init__.py'), 'VERSION = "uncommitted"\n');
  const into = join(tempDir(t, 'tollgate-export'), 'src');
  const app = await exportApp(sha, into, repo);
  assert.equal(app, join(into, 'reference-app'));
  assert.equal(readFileSync(join(app, 'api', '__init__.py'), 'utf8'), 'VERSION = "committed"\n');
  assert.ok(lstatSync(join(into, 'node_modules')).isSymbolicLink());
  assert.ok(existsSync(join(into, 'node_modules', 'vite')), 'Vite resolves from the export');
  assert.ok(!existsSync(join(into, '.reference-app.tar')), 'the archive is removed');
});
