/**
 * The stack's state.json and secrets.json: small, private (0600) files under the stack dir.
 * This is the stack's one public reader: the target resolver and the redactor learn about a
 * running local stack through `localStack`, never by reading its files themselves.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';

/** The stack directory: TOLLGATE_STACK_DIR, or .tollgate/stack in the repository. */
export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.TOLLGATE_STACK_DIR || join(REPO_ROOT, '.tollgate', 'stack'));
}

export interface StackPorts {
  web: number;
  api: number;
  db: number;
}

export interface StackState {
  version: 1;
  build: string;
  faults: string[];
  portBase: number;
  ports: StackPorts;
  pids: { postgres: number; api: number; web: number };
  urls: { web: string; api: string; readyz: string };
  /** Contains the app role's password: the file is 0600 and git-ignored. */
  databaseUrl: string;
  /** The cluster's data directory (also its socket directory): <stack dir>/pgdata, or a private home under /var/tmp. */
  pgdata?: string;
  adminEmail: string;
  startedAt: string;
  deployedAt: string;
}

export interface StackSecrets {
  adminEmail: string;
  adminPassword: string;
  secretKey: string;
  dbPassword: string;
}

/** Where on-demand environments live (`tollgate env up`): TOLLGATE_ENVS_DIR, or .tollgate/envs in the repository. */
export function envsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.TOLLGATE_ENVS_DIR || join(REPO_ROOT, '.tollgate', 'envs'));
}

/** An on-demand environment's own directory (its source, stack and data); its stack is `<dir>/stack`. */
export const onDemandDir = (name: string, env: NodeJS.ProcessEnv = process.env) => join(envsRoot(env), name);
export const onDemandStackDir = (name: string, env: NodeJS.ProcessEnv = process.env) => join(onDemandDir(name, env), 'stack');

/**
 * The on-demand environment `name` when one is deployed on this host: its stack has a state file.
 * Names are DNS labels (stack/env-names.ts); anything else is never looked up on disk.
 */
export function onDemandStack(name: string, env: NodeJS.ProcessEnv = process.env): ReturnType<typeof localStack> | undefined {
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name)) return undefined;
  const dir = onDemandStackDir(name, env);
  return existsSync(stateFile(dir)) ? readStack(dir) : undefined;
}

/** What a running local stack tells others: its state and secrets, each undefined when absent or unreadable. */
export function localStack(env: NodeJS.ProcessEnv = process.env): { dir: string; state?: StackState; secrets?: StackSecrets } {
  return readStack(stackDir(env));
}

function readStack(dir: string): { dir: string; state?: StackState; secrets?: StackSecrets } {
  const state = readState(dir);
  let secrets: StackSecrets | undefined;
  try {
    secrets = existsSync(secretsFile(dir)) ? (JSON.parse(readFileSync(secretsFile(dir), 'utf8')) as StackSecrets) : undefined;
  } catch {
    secrets = undefined; // unreadable secrets.json: the stack regenerates it, and nothing can be learned from it
  }
  return { dir, ...(state ? { state } : {}), ...(secrets ? { secrets } : {}) };
}

export const stateFile = (dir: string) => join(dir, 'state.json');
export const secretsFile = (dir: string) => join(dir, 'secrets.json');

export function readState(dir: string): StackState | undefined {
  const file = stateFile(dir);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as StackState;
  } catch {
    return undefined; // a torn or hand-edited file is treated as "no stack recorded"
  }
}

/** Write via rename so a crash never leaves a half-written state file. */
export function writePrivateJson(file: string, value: unknown): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
}

export function writeState(dir: string, state: StackState): void {
  writePrivateJson(stateFile(dir), state);
}

export function removeState(dir: string): void {
  rmSync(stateFile(dir), { force: true });
}

const token = (bytes: number) => randomBytes(bytes).toString('base64url');

/**
 * Secrets are generated once per stack directory and reused, so redeploys keep working logins.
 * ADMIN_EMAIL / ADMIN_PASSWORD seed a new stack's admin; after that the API keeps the admin it
 * created, so differing values are reported in `mismatched` rather than silently claimed.
 */
export function loadSecrets(dir: string, env: NodeJS.ProcessEnv = process.env): { secrets: StackSecrets; mismatched: string[] } {
  mkdirSync(dir, { recursive: true });
  const file = secretsFile(dir);
  let stored: Partial<StackSecrets> = {};
  if (existsSync(file)) {
    try {
      stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<StackSecrets>;
    } catch {
      stored = {};
    }
  }
  const secrets: StackSecrets = {
    adminEmail: stored.adminEmail ?? (env.ADMIN_EMAIL?.trim() || 'admin@tagtrust.local'),
    adminPassword: stored.adminPassword ?? (env.ADMIN_PASSWORD || token(18)),
    secretKey: stored.secretKey ?? token(32),
    dbPassword: stored.dbPassword ?? token(18),
  };
  if (JSON.stringify(secrets) !== JSON.stringify(stored)) writePrivateJson(file, secrets);
  const mismatched = [
    env.ADMIN_EMAIL?.trim() && env.ADMIN_EMAIL.trim() !== secrets.adminEmail ? 'ADMIN_EMAIL' : undefined,
    env.ADMIN_PASSWORD && env.ADMIN_PASSWORD !== secrets.adminPassword ? 'ADMIN_PASSWORD' : undefined,
  ].filter((v): v is string => !!v);
  return { secrets, mismatched };
}
