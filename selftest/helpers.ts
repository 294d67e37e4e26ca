/** Running the real `tollgate` CLI from self-tests. */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StackState } from '../stack/state.ts';
import { REPO_ROOT } from '../config/paths.ts';

export const CLI = join(REPO_ROOT, 'scripts', 'tollgate.js');

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The CLI with `args`; `cli` is another checkout's `scripts/tollgate.js`, default this one's. */
export function tollgate(args: string[], env: NodeJS.ProcessEnv = {}, timeout = 120_000, cli = CLI): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, ...env }, timeout, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
      },
    );
  });
}

/** Start the CLI without waiting; `output` accumulates both streams. */
export function startTollgate(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; output: () => string; exit: Promise<number> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const exit = new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
  return { child, output: () => out, exit };
}

export function noStackTrace(r: Run): void {
  assert.doesNotMatch(r.stderr + r.stdout, /\n\s+at .+:\d+:\d+/, 'a user error must not print a stack trace');
}

/**
 * A private workspace for one self-test: a temp dir the stack's postgres user can traverse, and
 * an environment keeping the stack, runs, results store, spool and Allure history inside it,
 * with CI, Slack and an outside results store switched off.
 */
export function workspace(name: string): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), `tollgate-${name}-`));
  chmodSync(dir, 0o755); // mkdtemp makes it 0700: postgres could not reach the data directory
  return {
    dir,
    env: {
      TOLLGATE_STACK_DIR: join(dir, 'stack'),
      TOLLGATE_RUNS_DIR: join(dir, 'runs'),
      TOLLGATE_RESULTS_DIR: join(dir, 'results'),
      TOLLGATE_SPOOL_DIR: join(dir, 'spool'),
      TOLLGATE_ALLURE_HISTORY_DIR: join(dir, 'allure-history'),
      TOLLGATE_ENVS_DIR: join(dir, 'envs'),
      CI: '',
      SLACK_WEBHOOK_URL: '',
      SLACK_BOT_TOKEN: '',
      RESULTS_DATABASE_URL: '',
    },
  };
}

export const stackState = (env: NodeJS.ProcessEnv) =>
  JSON.parse(readFileSync(join(env.TOLLGATE_STACK_DIR!, 'state.json'), 'utf8')) as StackState;

/** The running stack's state and a client on its database (end it in `after`). */
export async function stackDatabase(env: NodeJS.ProcessEnv): Promise<{ state: StackState; db: pg.Client }> {
  const state = stackState(env);
  const db = new pg.Client({ connectionString: state.databaseUrl });
  await db.connect();
  return { state, db };
}

/** A new, empty database in the stack's cluster owned by the app's role; returns its URL (with the role's password). */
export async function createDatabase(env: NodeJS.ProcessEnv, name: string): Promise<string> {
  const state = stackState(env);
  const admin = new pg.Client({
    host: state.pgdata ?? join(env.TOLLGATE_STACK_DIR!, 'pgdata'),
    port: state.ports.db,
    user: 'postgres',
    database: 'postgres',
  });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} OWNER tagtrust`);
  } finally {
    await admin.end();
  }
  const u = new URL(state.databaseUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * Every text in a tree, zip entries unpacked — also zips inside zips (the traces in a
 * Playwright blob report) — and the files embedded in Allure's single-file report decoded, as
 * [where, text] pairs.
 */
export function* texts(path: string): Generator<[string, string]> {
  if (statSync(path).isDirectory()) {
    for (const e of readdirSync(path)) yield* texts(join(path, e));
    return;
  }
  yield* entries(path, readFileSync(path));
}

function* entries(where: string, bytes: Uint8Array): Generator<[string, string]> {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) {
    for (const [name, data] of Object.entries(unzipSync(bytes))) yield* entries(`${where}!${name}`, data);
  } else {
    const text = Buffer.from(bytes).toString('latin1');
    yield [where, text];
    // Allure's single-file report carries each of its files base64-encoded: d("data/…","<base64>").
    for (const m of text.matchAll(/\bd\("([^"]+)",\s*"([A-Za-z0-9+/=]+)"\)/g)) {
      yield* entries(`${where}#${m[1]}`, Buffer.from(m[2]!, 'base64'));
    }
  }
}

/** The run id a `tollgate run` printed in its header, if it printed one. */
export const runIdOf = (output: string): string | undefined => /tollgate run (tg_\d{14}_[a-z0-9]{6})/.exec(output)?.[1];

/**
 * `tollgate run --env local <args>` in a workspace; the run's report directory is added to
 * `reportDirs` (for the caller's `after` to remove).
 */
export async function gateRun(
  args: string[],
  env: NodeJS.ProcessEnv,
  reportDirs: string[],
  timeout = 240_000,
): Promise<Run & { runId?: string }> {
  const r = await tollgate(['run', '--env', 'local', ...args], env, timeout);
  const runId = runIdOf(r.stdout);
  if (runId) reportDirs.push(join(REPO_ROOT, 'reports', runId));
  return { ...r, runId };
}

/** Rows a run left in the stack's database: its tags, assets and users. */
export async function runRows(db: pg.Client, runId: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM tags WHERE metadata->>'tollgate_run' = $1) + (SELECT count(*) FROM assets WHERE metadata->>'tollgate_run' = $1)
      + (SELECT count(*) FROM users WHERE email LIKE $1 || '.%') AS n`,
    [runId],
  );
  return Number(rows[0]!.n);
}
