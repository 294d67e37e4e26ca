/**
 * The rules the pipeline's wiring follows, as pure functions: which projects a run starts,
 * whether a run (or a merged sharded run) can be tested at all, which earlier runs crashed and
 * left data behind, and the exit code of a verdict. Tested with plain data (rules.test.ts).
 */
import type { SuiteChoice } from '../config/policy.ts';
import type { Selection } from '../gate/changes.ts';
import type { Verdict } from '../gate/types.ts';

export const EXIT_CODE: Record<Verdict, number> = { PROMOTE: 0, WARN: 0, BLOCK: 1, INCONCLUSIVE: 2 };

/** The Playwright projects of each suite; `verify` runs with every suite. */
export const PROJECTS: Record<SuiteChoice, string[]> = {
  smoke: ['smoke-api', 'smoke-web', 'smoke-selenium'],
  regression: ['regression'],
  demo: ['demo'],
};

/** Runs that crashed on another machine are swept once they are this old. */
export const SWEEP_AFTER_MS = 24 * 3_600_000;

/** The seed profile a run needs: the demo storyline, the regression volume, or the smoke minimum. */
export function seedProfile(suites: SuiteChoice[]): string {
  return suites.includes('demo') ? 'demo' : suites.includes('regression') ? 'regression' : 'smoke';
}

/** verify, then the suites' projects; a differential run with no product change leaves regression out. */
export function projectsFor(suites: SuiteChoice[], selection?: Pick<Selection, 'skipRegression'>): string[] {
  return ['verify', ...suites.flatMap((x) => PROJECTS[x])].filter((p) => p !== 'regression' || !selection?.skipRegression);
}

export interface Untestable {
  step: string;
  message: string;
  /** Set when evidence shows the deployment itself broke the step (e.g. its API fails the same way): the gate BLOCKs. */
  deploymentFault?: string;
}

/** Why the suites do not run, or undefined when they do. */
export function untestedBecause(
  plan: { notReady?: string; untestable?: Untestable; interrupted?: string },
  interrupted?: string,
): string | undefined {
  if (plan.notReady) return 'the environment is not ready';
  if (plan.untestable) return `the ${plan.untestable.step} step failed`;
  if (plan.interrupted || interrupted) return 'interrupted';
  return undefined;
}

/**
 * Why a Playwright run reported no test: killed by a signal (the runner's machinery failed: the
 * OOM killer, a CI timeout) or it could not start its tests (its log says why).
 */
export function noTestsBecause(pw: { exitCode: number; signal?: string }, log: string): string {
  const signal = pw.signal ?? (pw.exitCode === 137 ? 'SIGKILL' : pw.exitCode === 139 ? 'SIGSEGV' : undefined);
  if (signal) {
    const cause =
      signal === 'SIGKILL' ? ' (often the OOM killer: the runner ran out of memory)' : signal === 'SIGSEGV' ? ' (it crashed)' : '';
    return `the test runner (Playwright) was killed by ${signal}${cause} before it reported any result; this is the runner's failure, not the build's: run again (with fewer workers or more memory); see ${log}`;
  }
  return `Playwright ran no test (exit ${pw.exitCode}); see ${log}`;
}

/** What the merge knows of one shard's part. */
export interface PartSummary {
  shard: { current: number; total: number };
  /** Results it reported. */
  results: number;
  exitCode: number;
  interrupted?: string;
}

/**
 * Whether a sharded run's parts add up to a run a verdict can rest on: every shard reported, each
 * ran something, and no test was reported twice. Undefined when they do.
 */
export function mergedUntestable(o: {
  parts: PartSummary[];
  total: number;
  missing: number[];
  duplicates: string[];
  /** Tests of the plan's balanced shard lists that no shard reported. */
  unrun?: string[];
}): Untestable | undefined {
  const ranNothing = o.parts.filter((p) => !p.results && !p.interrupted);
  if (!o.parts.length) return { step: 'suites', message: 'no shard reported (their jobs failed or were cancelled before writing a part)' };
  if (o.missing.length) {
    return {
      step: 'suites',
      message: `shard(s) ${o.missing.map((i) => `${i}/${o.total}`).join(', ')} did not report (their jobs failed or were cancelled): the verdict cannot rest on part of the tests`,
    };
  }
  if (ranNothing.length) {
    return {
      step: 'suites',
      message: `shard(s) ${ranNothing.map((p) => `${p.shard.current}/${o.total}`).join(', ')} ran no test (Playwright exit ${ranNothing.map((p) => p.exitCode).join(', ')}); see their playwright.log`,
    };
  }
  if (o.unrun?.length) {
    return {
      step: 'suites',
      message: `${o.unrun.length} planned test(s) ran in no shard (e.g. ${o.unrun[0]}): the shards' lists do not match the suites (a plan from another checkout?), and the verdict cannot rest on part of the tests`,
    };
  }
  if (o.duplicates.length) {
    return {
      step: 'suites',
      message: `${o.duplicates.length} test(s) were reported by more than one shard (e.g. ${o.duplicates[0]}): the shards did not run the same test list`,
    };
  }
  return undefined;
}

/** Who owns a run's data on this machine (`.tollgate/runs/<run>/owner.json`). */
export interface OwnerMarker {
  /** The process that seeded and will clean up; absent for a run prepared for shards (its merge cleans up). */
  pid?: number;
  host: string;
  pipeline?: boolean;
  startedAt?: string;
}

/**
 * The runs whose data should be swept before seeding: any run older than `maxAgeMs` (by the time
 * in its id), and runs whose owning process on this host died. Never `self`.
 */
export function crashedRuns(
  runs: { runId: string; startedAt: Date }[],
  o: {
    self: string;
    now: number;
    host: string;
    maxAgeMs?: number;
    ownerOf: (runId: string) => OwnerMarker | undefined;
    alive: (pid: number) => boolean;
  },
): string[] {
  const maxAge = o.maxAgeMs ?? SWEEP_AFTER_MS;
  const ownerDied = (runId: string) => {
    const owner = o.ownerOf(runId);
    return !!owner && typeof owner.pid === 'number' && owner.host === o.host && !o.alive(owner.pid);
  };
  return runs.filter((r) => r.runId !== o.self && (o.now - r.startedAt.getTime() > maxAge || ownerDied(r.runId))).map((r) => r.runId);
}
