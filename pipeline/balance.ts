/**
 * Shards balanced by measured time: the planned tests split into N lists by their durations in
 * the results store's history, longest first onto the least-loaded shard (LPT). A test with no
 * history is given the median of its project's known tests (else of all known tests). Without
 * any history there is nothing to balance on: the caller falls back to Playwright's own split
 * (by count). Tests are assigned one by one, which the config's `fullyParallel: true` allows.
 *
 * A shard runs its tests on W workers, so its wall time is about the busiest worker's, not its
 * sum: a shard holding one 20 s test beside many short ones finishes late even when its sum
 * equals the others'. So LPT fills N × W worker slots and each shard takes W of them: long tests
 * spread over the slots, and every shard's workers carry about the same load.
 */

export interface PlannedTest {
  /** `<project> › <spec file under tests/> › <describe…> › <title>` (gate/results.ts testId). */
  id: string;
  project: string;
  /** The file that defines the test, under tests/, when it is not the spec file (shared journeys). */
  definedIn?: string;
}

export interface ShardLists {
  total: number;
  /** Workers per shard the lists were balanced for. */
  workers: number;
  /** Each shard's test ids, in the order assigned. */
  tests: string[][];
  /** Each shard's planned milliseconds: the sum of its tests' estimates. */
  plannedMs: number[];
  /** Tests whose duration came from history (the rest were estimated). */
  known: number;
  /** Test id → the file defining it, for tests a spec file imports from another (see testList). */
  definedIn: Record<string, string>;
}

const median = (xs: number[]): number | undefined => {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Each test's estimate in ms: its history, else its project's median, else the overall median. */
export function estimates(tests: PlannedTest[], durations: Record<string, number>): Map<string, number> | undefined {
  const known = tests.filter((t) => durations[t.id] !== undefined);
  const overall = median(known.map((t) => durations[t.id]!));
  if (overall === undefined) return undefined;
  const byProject = new Map<string, number[]>();
  for (const t of known) byProject.set(t.project, [...(byProject.get(t.project) ?? []), durations[t.id]!]);
  const projectMedian = new Map([...byProject].map(([p, xs]) => [p, median(xs)!]));
  return new Map(tests.map((t) => [t.id, durations[t.id] ?? projectMedian.get(t.project) ?? overall]));
}

/**
 * LPT over the estimates; undefined when no planned test has any history, or when there are
 * fewer tests than shards (a shard with an empty list would run nothing, and a shard that ran
 * nothing makes the merged run INCONCLUSIVE).
 */
export function balanceShards(tests: PlannedTest[], durations: Record<string, number>, total: number, workers = 1): ShardLists | undefined {
  if (!Number.isInteger(total) || total < 1) throw new RangeError(`shards must be a whole number ≥ 1, got ${total}`);
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a whole number ≥ 1, got ${workers}`);
  if (tests.length < total) return undefined;
  const estimate = estimates(tests, durations);
  if (!estimate) return undefined;
  const slots = Array.from({ length: total * workers }, () => ({ tests: [] as string[], ms: 0 }));
  // Longest first; equal estimates in id order, so the same inputs always give the same lists.
  const order = [...tests].sort((a, b) => estimate.get(b.id)! - estimate.get(a.id)! || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const t of order) {
    const lightest = slots.reduce((min, s) => (s.ms < min.ms ? s : min), slots[0]!);
    lightest.tests.push(t.id);
    lightest.ms += estimate.get(t.id)!;
  }
  // Shard k takes slots k, k+N, k+2N…: the heaviest slots land on different shards.
  const shards = Array.from({ length: total }, (_, k) => slots.filter((_, i) => i % total === k));
  return {
    total,
    workers,
    tests: shards.map((own) => own.flatMap((s) => s.tests)),
    plannedMs: shards.map((own) => Math.round(own.reduce((sum, s) => sum + s.ms, 0))),
    known: tests.filter((t) => durations[t.id] !== undefined).length,
    definedIn: Object.fromEntries(tests.filter((t) => t.definedIn).map((t) => [t.id, t.definedIn!])),
  };
}

/** max/mean of the shards' times: 1.00 is perfect balance. */
export function balanceRatio(ms: number[]): number {
  const mean = ms.reduce((a, b) => a + b, 0) / (ms.length || 1);
  return mean > 0 ? Math.max(...ms) / mean : 1;
}

/**
 * A shard's list for Playwright's --test-list: `[project] › file › describe › title` per line.
 * Playwright loads the spec files a list names and keeps the tests whose *defining* file and
 * titles match, so a test a spec file imports from another file (the shared web journeys) needs
 * two lines: the spec file, to be loaded, and the defining file, to be matched.
 */
export function testList(ids: string[], definedIn: Record<string, string> = {}): string {
  return ids
    .flatMap((id) => {
      const [project, spec, ...titles] = id.split(' › ');
      const line = (file: string) => `[${project}] › ${[file, ...titles].join(' › ')}\n`;
      const home = definedIn[id];
      return home && home !== spec ? [line(spec!), line(home)] : [line(spec!)];
    })
    .join('');
}
