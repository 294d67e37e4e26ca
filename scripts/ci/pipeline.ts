/**
 * The tollgate commands the post-deploy workflow's jobs run, in order. `npm run pipeline:local`
 * runs them as they are here, and scripts/workflows.test.ts holds the workflow to them, so the
 * rehearsal tests the logic the workflow runs.
 */
export const PIPELINE_COMMANDS = {
  /** The prepare job: ready + seed, once; writes the plan, with each shard's list balanced by measured time. */
  prepare: (o: { env: string; build: string; shards: string; suites?: string; workers?: string; grep?: string }) => [
    'prepare',
    '--env',
    o.env,
    '--build',
    o.build,
    '--shards',
    o.shards,
    ...(o.suites ? ['--suite', o.suites] : []),
    ...(o.workers ? ['--workers', o.workers] : []),
    ...(o.grep ? ['--grep', o.grep] : []),
  ],
  /** One job of the matrix: `shard` is "i/n". */
  shard: (plan: string, shard: string, workers?: string) => [
    'run',
    '--plan',
    plan,
    '--shard',
    shard,
    ...(workers ? ['--workers', workers] : []),
  ],
  /** The merge job: every part under `parts`, then the verdict, once. */
  merge: (plan: string, parts: string) => ['merge', '--plan', plan, parts],
};
