/**
 * Where the stack's shared parts live. As root, PostgreSQL runs as `postgres` and nginx's workers
 * as an unprivileged user, so the data directory and the web root must be reachable by users
 * other than root. A checkout under /root (0700) or any private directory is not: then those two
 * parts move to a per-stack directory under /var/tmp, named after a hash of the stack directory
 * (so the next `up` finds the same data), owned by root and searchable but not listable (0711);
 * the data directory inside it is postgres's own (0700). Everything else stays in the stack dir.
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, chmodSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { StackError } from '../config/errors.ts';
import type { Cluster } from './postgres.ts';

export interface Placement {
  cluster: Cluster;
  wwwDir: string;
  /** The private home outside the stack directory, when one is used. */
  home?: string;
}

/** Whether every existing directory from / down to `path` lets any user search it (o+x). */
export function worldSearchable(path: string): boolean {
  for (let p = path; ; p = dirname(p)) {
    if (existsSync(p) && !(statSync(p).mode & 0o001)) return false;
    if (dirname(p) === p) return true;
  }
}

/** The private home of a stack directory: TOLLGATE_PRIVATE_ROOT (default /var/tmp)/tollgate-<hash>. */
export function privateHome(stackDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const hash = createHash('sha256').update(stackDir).digest('hex').slice(0, 12);
  return join(env.TOLLGATE_PRIVATE_ROOT || '/var/tmp', `tollgate-${hash}`);
}

/**
 * Where a stack's cluster, server log and web root go: inside the stack directory, unless we are
 * root and it is not world-searchable, or a private home with a cluster already exists for it.
 */
export function placeStack(
  stackDir: string,
  dbPort: number,
  env: NodeJS.ProcessEnv = process.env,
  root = process.getuid?.() === 0,
): Placement {
  const home = privateHome(stackDir, env);
  const usePrivate = root && (existsSync(join(home, 'pgdata', 'PG_VERSION')) || !worldSearchable(stackDir));
  const base = usePrivate ? home : stackDir;
  return {
    cluster: {
      dataDir: join(base, 'pgdata'),
      port: dbPort,
      logFile: usePrivate ? join(home, 'postgres.log') : join(stackDir, 'logs', 'postgres.log'),
    },
    wwwDir: join(base, 'www'),
    ...(usePrivate ? { home } : {}),
  };
}

/** Create (or check) a private home: a real directory owned by root — never one someone else planted — 0711. */
export function preparePrivateHome(home: string): void {
  if (!worldSearchable(dirname(home))) {
    throw new StackError(
      'postgres',
      `the postgres user cannot reach ${dirname(home)} either (a parent directory is not world-searchable).`,
      {
        hint: 'Set TOLLGATE_PRIVATE_ROOT to a world-searchable directory such as /var/tmp, or TOLLGATE_STACK_DIR to a directory every user can search.',
      },
    );
  }
  mkdirSync(home, { recursive: true, mode: 0o711 });
  const st = lstatSync(home);
  if (!st.isDirectory() || st.uid !== 0) {
    throw new StackError('preflight', `${home} exists, but it is not a directory owned by root, so it was not used.`, {
      hint: `Remove ${home}, or set TOLLGATE_STACK_DIR to a directory every user can search (chmod o+x on its parents).`,
    });
  }
  chmodSync(home, 0o711);
}

/** Remove a stack directory's private home, if it has one; returns its path when it did. */
export function removePrivateHome(stackDir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const home = privateHome(stackDir, env);
  if (!existsSync(home)) return undefined;
  rmSync(home, { recursive: true, force: true });
  return home;
}
