/**
 * History from the results store, read while the suites run: what triage needs (new, recurring,
 * flaky) and what the promotion report shows (the build's path, the last promoted run). A store
 * that is down costs history, never the verdict.
 */
import type { Environment } from '../config/environment.ts';
import { resultsDir } from '../gate/store/sql.ts';
import { openStore } from '../gate/store.ts';
import type { HistoryRun } from '../gate/types.ts';

export interface History {
  /** This environment's latest runs, newest first. */
  history: HistoryRun[];
  /** Runs of the gated build in every environment. */
  buildRuns: HistoryRun[];
  lastPromoted: HistoryRun | undefined;
}

export async function readHistory(environment: Environment, build: string, notes: string[], env: NodeJS.ProcessEnv): Promise<History> {
  try {
    const store = await openStore({ url: environment.resultsDatabaseUrl, dataDir: resultsDir(env) });
    try {
      const limit = Math.max(20, environment.policy.flakyWindow);
      return {
        history: await store.history(environment.name, { limit }),
        buildRuns: await store.runsForBuild(build),
        lastPromoted: await store.lastPromoted(environment.name),
      };
    } finally {
      await store.close();
    }
  } catch (e) {
    notes.push(`History unavailable (${(e as Error).message}): triage cannot tell new from recurring failures in this run.`);
    return { history: [], buildRuns: [], lastPromoted: undefined };
  }
}

/** Starts reading at once; a rejection is handled by whoever awaits it. */
export function readHistorySoon(...args: Parameters<typeof readHistory>): Promise<History> {
  const p = readHistory(...args);
  p.catch(() => {});
  return p;
}

/** Test id → median duration over the environment's newest runs; empty when the store is down (shards then split by count). */
export async function readDurations(
  environment: Environment,
  env: NodeJS.ProcessEnv,
  runs = 5,
): Promise<{ durations: Record<string, number>; runs: number; error?: string }> {
  try {
    const store = await openStore({ url: environment.resultsDatabaseUrl, dataDir: resultsDir(env) });
    try {
      const recent = await store.history(environment.name, { limit: runs });
      return { durations: await store.durations(environment.name, runs), runs: recent.length };
    } finally {
      await store.close();
    }
  } catch (e) {
    return { durations: {}, runs: 0, error: (e as Error).message };
  }
}
