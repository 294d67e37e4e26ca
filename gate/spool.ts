/**
 * A run never fails because the results store is down. When it cannot be reached, the run's
 * record is written to `.tollgate/spool/<runId>.json` and the next run that reaches the store
 * writes it (oldest first, each file deleted only after its transaction commits). Recording
 * is idempotent on the run id, so a flush interrupted after a commit cannot duplicate a run.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import { openStore, type HistoryOptions, type ResultsStore, type StoreOptions, type StoredRun } from './store.ts';
import { isUnavailable } from './store/sql.ts';
import type { RunRecord } from './types.ts';

export interface SpoolOptions extends StoreOptions {
  /** Default: TOLLGATE_SPOOL_DIR, or .tollgate/spool in the repository. */
  spoolDir?: string;
}

export interface RecordOutcome {
  /** This run is in the store. */
  recorded: boolean;
  /** Where this run was spooled, when it was not recorded. */
  spooled?: string;
  /** Older spooled runs written to the store now. */
  flushed: number;
  /** Why this run (or a spooled one) was not recorded. */
  error?: string;
}

export function spoolDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.TOLLGATE_SPOOL_DIR || join(REPO_ROOT, '.tollgate', 'spool'));
}

/** Flush older spooled runs, then record this one; spool it when the store cannot take it. */
export async function recordOrSpool(rec: RunRecord, options: SpoolOptions = {}): Promise<RecordOutcome> {
  const dir = options.spoolDir ?? spoolDir();
  let store: ResultsStore;
  try {
    store = await openStore(options);
  } catch (e) {
    return { ...spoolSafely(rec, dir, e), flushed: 0 };
  }
  try {
    const flush = await flushSpool(store, dir);
    try {
      await store.recordRun(rec);
      return { recorded: true, flushed: flush.flushed, ...(flush.error ? { error: flush.error } : {}) };
    } catch (e) {
      return { ...spoolSafely(rec, dir, e), flushed: flush.flushed };
    }
  } finally {
    await store.close();
  }
}

/** The verdict stands even when the record can be neither stored nor spooled: say both reasons. */
function spoolSafely(rec: RunRecord, dir: string, why: unknown): { recorded: false; spooled?: string; error: string } {
  const error = (why as Error).message;
  try {
    return { recorded: false, spooled: spool(rec, dir), error };
  } catch (e) {
    return { recorded: false, error: `${error}; and it could not be spooled to ${dir}: ${(e as Error).message}` };
  }
}

/** Write the record atomically (temp file + rename) and privately (0600); returns its path. */
export function spool(rec: RunRecord, dir = spoolDir()): string {
  mkdirSync(resolve(dir, '..'), { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${rec.runId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
  const tmp = join(dir, `.${process.pid}.${Date.now()}.tmp`);
  writeFileSync(tmp, JSON.stringify(rec) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600); // in case the umask or an existing file changed it
  renameSync(tmp, file);
  return file;
}

/** Spooled records waiting, oldest first (run ids start with their UTC time). */
export function spooled(dir = spoolDir()): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json') && !f.startsWith('.'))
      .sort()
      .map((f) => join(dir, f));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/**
 * Write every spooled record. Stops at the first sign the store went away (the rest wait for
 * the next run); a record the store rejects as data is set aside as `.rejected`, so it is
 * kept for a human but does not block the others on every run.
 */
export async function flushSpool(store: ResultsStore, dir = spoolDir()): Promise<{ flushed: number; error?: string }> {
  let flushed = 0;
  const problems: string[] = [];
  for (const file of spooled(dir)) {
    let rec: RunRecord;
    try {
      rec = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue; // a concurrent run flushed it
      renameSync(file, `${file}.rejected`);
      problems.push(`${file} is not a run record (${(e as Error).message}); kept as ${file}.rejected`);
      continue;
    }
    try {
      await store.recordRun(rec);
    } catch (e) {
      if (isUnavailable(e)) {
        problems.push(`spooled runs not flushed: ${(e as Error).message}`);
        break;
      }
      renameSync(file, `${file}.rejected`);
      problems.push(`spooled run ${rec.runId} was rejected by the store (${(e as Error).message}); kept as ${file}.rejected`);
      continue;
    }
    rmSync(file, { force: true });
    flushed++;
  }
  return { flushed, ...(problems.length ? { error: problems.join('; ') } : {}) };
}

/** History for triage and reports: empty plus a warning when the store is down (the caller decides). */
export async function historyOrEmpty(
  env: string,
  options: HistoryOptions & StoreOptions = {},
): Promise<{ runs: StoredRun[]; warning?: string }> {
  let store: ResultsStore | undefined;
  try {
    store = await openStore(options);
    return { runs: await store.history(env, options) };
  } catch (e) {
    return { runs: [], warning: `No history from the results store: ${(e as Error).message}` };
  } finally {
    await store?.close();
  }
}
