/** Where the local stack's pieces live, resolved from this file so any cwd works. */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const REFERENCE_APP = join(REPO_ROOT, 'reference-app');
export const WEB_SRC = join(REFERENCE_APP, 'web');
export const WEB_DIST = join(WEB_SRC, 'dist');
export const MIGRATIONS_DIR = join(REFERENCE_APP, 'db', 'migrations');
export const PYTHON = '/usr/bin/python3';

export const DEFAULT_PORT_BASE = 18080;

/** The stack directory: TOLLGATE_STACK_DIR, or .tollgate/stack in the repository. */
export function stackDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.TOLLGATE_STACK_DIR || join(REPO_ROOT, '.tollgate', 'stack'));
}

export interface StackPorts {
  web: number;
  api: number;
  db: number;
}

export function portsFrom(base: number): StackPorts {
  return { web: base, api: base + 1, db: base + 2 };
}

/** Fault names documented in reference-app/FAULTS.md (`- \`name\` — layer — …`). */
export function knownFaults(faultsFile = join(REFERENCE_APP, 'FAULTS.md')): string[] {
  const text = readFileSync(faultsFile, 'utf8');
  return [...text.matchAll(/^- `([a-z0-9_]+)`/gm)].map((m) => m[1]!);
}
