/**
 * The reference app at a git ref of this repository, for an on-demand environment: the ref
 * resolved to a commit (or git's own words for why not), its `reference-app/` exported with
 * `git archive` (no worktree to prune), and its web bundle built with Vite once per web tree:
 * two environments of the same web sources share one build.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StackError, UsageError } from '../config/errors.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { viteBuild } from './web.ts';

const run = promisify(execFile);

export interface Commit {
  /** The full sha. */
  sha: string;
  /** Its short sha: the build id an environment reports. */
  build: string;
}

const gitSaid = (e: unknown) =>
  String((e as { stderr?: string }).stderr ?? '')
    .trim()
    .split('\n')[0] || (e as Error).message;

/** The commit `ref` names in `repo`, or a usage error in words a user can act on. */
export function resolveRef(ref: string, repo = REPO_ROOT): Commit {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  let sha: string;
  try {
    sha = git('rev-parse', '--verify', '--end-of-options', `${ref}^{commit}`);
  } catch (e) {
    const said = gitSaid(e);
    // `rev-parse --verify` says only "Needed a single revision" for a name it does not know.
    const meaning = /single revision|unknown revision|bad revision/i.test(said) ? 'no branch, tag or commit has that name here' : said;
    throw new UsageError(`--ref ${ref} is not a commit of this repository: ${meaning} (git: ${said}).`, {
      hint: 'Give a branch, tag or commit that exists here (`git fetch` first for a branch pushed by someone else).',
    });
  }
  try {
    git('cat-file', '-e', `${sha}:reference-app/api`);
  } catch {
    throw new UsageError(`--ref ${ref} (${sha.slice(0, 9)}) has no reference-app/api: it predates the reference app.`, {
      hint: 'Choose a newer commit.',
    });
  }
  return { sha, build: git('rev-parse', '--short', sha) };
}

/** Export `reference-app/` at `sha` under `into`; returns the app's directory (`<into>/reference-app`). */
export async function exportApp(sha: string, into: string, repo = REPO_ROOT): Promise<string> {
  mkdirSync(into, { recursive: true });
  const tar = join(into, '.reference-app.tar');
  try {
    await run('git', ['archive', '--format=tar', '-o', tar, sha, 'reference-app'], { cwd: repo });
    await run('tar', ['-xf', tar, '-C', into]);
  } catch (e) {
    throw new StackError('source', `cannot export reference-app at ${sha.slice(0, 9)}: ${gitSaid(e)}`, { cause: e });
  } finally {
    rmSync(tar, { force: true });
  }
  // The web sources import React and Vite's plugins: resolve them from this checkout's packages.
  const modules = join(into, 'node_modules');
  if (!existsSync(modules)) symlinkSync(join(REPO_ROOT, 'node_modules'), modules);
  return join(into, 'reference-app');
}

/**
 * The web bundle of the app exported at `sha`: `<cache>/<tree sha of reference-app/web>`, built
 * with Vite when no earlier environment built the same sources. Concurrent builds of one tree
 * both finish; the first rename wins and the other's output is dropped.
 */
export async function webBundle(sha: string, appDir: string, cache: string, repo = REPO_ROOT): Promise<{ dir: string; built: boolean }> {
  let tree: string;
  try {
    tree = execFileSync('git', ['rev-parse', `${sha}:reference-app/web`], {
      cwd: repo,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch (e) {
    throw new StackError('web build', `${sha.slice(0, 9)} has no reference-app/web (git: ${gitSaid(e)})`, {
      hint: 'Choose a commit that has the web app.',
    });
  }
  const dir = join(cache, tree);
  if (existsSync(join(dir, 'index.html'))) return { dir, built: false };
  mkdirSync(cache, { recursive: true });
  const out = `${dir}.${process.pid}.tmp`;
  rmSync(out, { recursive: true, force: true });
  try {
    await viteBuild(join(appDir, 'web'), {
      outDir: out,
      hint: `The web app at ${sha.slice(0, 9)} does not build with this checkout's packages; choose another ref.`,
    });
  } catch (e) {
    rmSync(out, { recursive: true, force: true });
    throw e;
  }
  try {
    renameSync(out, dir);
  } catch {
    rmSync(out, { recursive: true, force: true }); // another environment built the same tree first
  }
  return { dir, built: true };
}
