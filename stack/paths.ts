/** Where the local stack's pieces live (the stack directory itself: state.ts). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import type { StackPorts } from './state.ts';

export const REFERENCE_APP = join(REPO_ROOT, 'reference-app');
export const WEB_SRC = join(REFERENCE_APP, 'web');
export const WEB_DIST = join(WEB_SRC, 'dist');
export const MIGRATIONS_DIR = join(REFERENCE_APP, 'db', 'migrations');
export const PYTHON = '/usr/bin/python3';

export const DEFAULT_PORT_BASE = 18080;

export function portsFrom(base: number): StackPorts {
  return { web: base, api: base + 1, db: base + 2 };
}

/** Fault names documented in reference-app/FAULTS.md (`- \`name\` — layer — …`). */
export function knownFaults(faultsFile = join(REFERENCE_APP, 'FAULTS.md')): string[] {
  const text = readFileSync(faultsFile, 'utf8');
  return [...text.matchAll(/^- `([a-z0-9_]+)`/gm)].map((m) => m[1]!);
}
