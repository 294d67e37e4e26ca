/**
 * The results store's connection: one tiny interface, two backends running the same SQL.
 * `pg` for RESULTS_DATABASE_URL; PGlite (Postgres in WebAssembly, persisted on disk) when it
 * is unset, so local use needs no setup. Connection failures become errors that say what is
 * wrong without ever showing the password.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { AuthError, ConfigError, InterruptedError, UnreachableError } from '../../config/errors.ts';
import { REPO_ROOT } from '../../config/paths.ts';
import { isAlive } from '../../lib/process.ts';
import { classifyPgError, connectPg, redactUrl, type PgSubject } from '../../lib/pg.ts';

export interface Sql {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<R>(fn: (tx: Sql) => Promise<R>): Promise<R>;
  close(): Promise<void>;
  /** Where the store is, safe to print. */
  readonly where: string;
}

/** The embedded store's directory: TOLLGATE_RESULTS_DIR, or .tollgate/results in the repository. */
export function resultsDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.TOLLGATE_RESULTS_DIR || join(REPO_ROOT, '.tollgate', 'results'));
}

const storeSubject = (url: string): PgSubject => ({
  url,
  label: 'results database',
  variable: 'RESULTS_DATABASE_URL',
  unreachableHint: 'Is it running and reachable from here (firewall, VPN, port)? Runs are spooled to .tollgate/spool/ meanwhile.',
  missingDatabaseHint: 'Create it, or fix the database name in RESULTS_DATABASE_URL.',
  privilegeHint: 'The user in RESULTS_DATABASE_URL needs to create the schema "tollgate" (or own it).',
  interruptedHint: 'Nothing was half-written. Try again.',
});

export async function openPg(url: string): Promise<Sql> {
  const client = await connectPg(storeSubject(url), { application_name: 'tollgate-results' });
  const where = redactUrl(url);
  const query = async <T>(text: string, params?: unknown[]): Promise<T[]> => {
    try {
      return (await client.query(text, params)).rows as T[];
    } catch (e) {
      throw classifyStoreError(e, url);
    }
  };
  const exec = async (text: string) => void (await query(text));
  // Inside a transaction, a nested `transaction` joins it (one client, one transaction).
  const inTx: Sql = { where, query, exec, transaction: (fn) => fn(inTx), close: async () => {} };
  const sql: Sql = {
    where,
    query,
    exec,
    transaction: async (fn) => {
      await query('BEGIN');
      try {
        const result = await fn(inTx);
        await query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      }
    },
    close: () => client.end().catch(() => {}),
  };
  return sql;
}

export async function openEmbedded(dataDir = resultsDir()): Promise<Sql> {
  const where = `embedded store ${dataDir}`;
  mkdirSync(dirname(dataDir), { recursive: true });
  // Only the leaf is private: the parents may be shared folders such as the repository.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const release = await lock(`${dataDir}.lock`, where);
  let db: import('@electric-sql/pglite').PGlite;
  try {
    const { PGlite } = await import('@electric-sql/pglite');
    db = new PGlite(dataDir);
    await db.waitReady;
  } catch (e) {
    release();
    throw new UnreachableError(`Cannot open the ${where}: ${(e as Error).message}`, {
      hint: 'Move the directory aside (the next run creates a new one) or set RESULTS_DATABASE_URL.',
      cause: e,
    });
  }
  type Q = Pick<typeof db, 'query' | 'exec'>;
  const wrap = (q: Q): Sql => {
    const sql: Sql = {
      where,
      query: async <T>(text: string, params?: unknown[]) => (await q.query<T>(text, params)).rows,
      exec: async (text) => void (await q.exec(text)),
      transaction: (fn) => fn(sql), // only reached inside a transaction: join it
      close: async () => {},
    };
    return sql;
  };
  return {
    ...wrap(db),
    transaction: (fn) => db.transaction((tx) => fn(wrap(tx))),
    close: async () => {
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
}

/**
 * PGlite is single-process: an exclusive lock file holding the owner's pid. A lock whose pid
 * is dead was left by a crash and is taken over; a live one is waited for (a concurrent run
 * records in well under a second), up to `waitMs`.
 */
export async function lock(file: string, what: string, waitMs = 30_000): Promise<() => void> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        if (ownerOf(file) === process.pid) rmSync(file, { force: true });
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const owner = ownerOf(file);
    if (owner === undefined || !isAlive(owner)) {
      // Stale (or torn mid-write): remove it and race for it again; `wx` decides who wins.
      // A torn file is only taken over after a moment, so its writer can finish first.
      // Re-read just before removing, to narrow the window in which two processes both
      // judge the same lock stale and one removes the other's fresh lock.
      if (owner !== undefined ? ownerOf(file) === owner : await isStillTorn(file)) rmSync(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) {
      throw new UnreachableError(`The ${what} is locked by process ${owner} (still running after ${Math.round(waitMs / 1000)} s).`, {
        hint: `Wait for it to finish, or stop it. The lock is ${file}.`,
      });
    }
    await sleep(50);
  }
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

async function isStillTorn(file: string): Promise<boolean> {
  await sleep(200);
  return ownerOf(file) === undefined;
}

/** Map a connection or query failure to a user-facing error; the message never holds the password. */
export const classifyStoreError = (e: unknown, url: string): Error => classifyPgError(e, storeSubject(url));

/** Errors that mean "the store is not there right now" (retry later), as opposed to bad data. */
export function isUnavailable(e: unknown): boolean {
  return e instanceof UnreachableError || e instanceof AuthError || e instanceof InterruptedError || e instanceof ConfigError;
}
