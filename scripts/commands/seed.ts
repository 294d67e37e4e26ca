/** `tollgate seed` and `tollgate seed clean`: parsing, rendering and exit codes only. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadEnvironment } from '../../config/environment.ts';
import { UsageError } from '../../config/errors.ts';
import { cleanRun, parseAge, staleRuns, type CleanCounts } from '../../seed/clean.ts';
import { classify, connect } from '../../seed/db.ts';
import { redactUrl } from '../../lib/pg.ts';
import { progressReporter } from '../../seed/progress.ts';
import { relative } from 'node:path';

const integer =
  (name: string, min: number) =>
  (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < min) throw new InvalidArgumentError(`${name} must be an integer ≥ ${min}.`);
    return Number(value);
  };

/** Ctrl-C or a CI timeout mid-seed: say what happened; the open transaction dies with us. */
function onInterrupt(runId: () => string | undefined): () => void {
  const handler = (signal: NodeJS.Signals) => {
    process.stderr.write(
      `\ntollgate: seed interrupted (${signal}); the transaction is rolled back, nothing of run ${runId() ?? '(not started)'} was written.\n`,
    );
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

const summary = (counts: Record<string, number>) =>
  Object.entries(counts)
    .map(([t, n]) => `${t} ${n.toLocaleString('en')}`)
    .join(', ');

export function registerSeed(program: Command): void {
  const cmd = program
    .command('seed')
    .description("write run-scoped, reproducible test data into an environment's database (one transaction)")
    .enablePositionalOptions()
    .option('--env <name>', 'environment (config/environments/<name>.env)', 'local')
    .option('--profile <name>', 'smoke | regression | demo | volume', 'smoke')
    .option('--scale <rows>', 'rows in total, for --profile volume', integer('--scale', 1))
    .option('--seed <n>', "replay a run's data (printed by every run)", integer('--seed', 0))
    .option('--run <id>', "use this run id (e.g. the gate's) instead of a new one")
    .action(async (o: { env: string; profile: string; scale?: number; seed?: number; run?: string }) => {
      const environment = loadEnvironment(o.env);
      let runId: string | undefined;
      const release = onInterrupt(() => runId);
      let progress: ReturnType<typeof progressReporter> | undefined;
      try {
        const { seed } = await import('../../seed/seed.ts'); // faker and the generator: only when seeding
        const result = await seed({
          environment,
          profile: o.profile,
          scale: o.scale,
          seed: o.seed,
          runId: o.run,
          onStart: (s) => {
            runId = s.runId;
            progress = progressReporter('seed');
            const target = environment.databaseUrl ? redactUrl(environment.databaseUrl) : '(no database URL)';
            process.stdout.write(
              `seed: run ${s.runId}, profile ${o.profile}, seed ${s.seed} (replay with --seed ${s.seed}), ${s.rows.toLocaleString('en')} rows into ${environment.name} ${target}\n`,
            );
          },
          onProgress: (done, total) => progress?.update(done, total),
        });
        progress?.finish();
        const rate = Math.round(result.rows / result.seconds).toLocaleString('en');
        process.stdout.write(
          `seed: ${result.rows.toLocaleString('en')} rows in ${result.seconds.toFixed(2)} s (${rate} rows/s): ${summary(result.manifest.counts)}\n`,
        );
        process.stdout.write(`seed: manifest ${relative(process.cwd(), result.manifestFile) || result.manifestFile}\n`);
      } finally {
        progress?.finish();
        release();
      }
    });

  cmd
    .command('clean')
    .description("delete exactly one run's rows (--run), or every run older than an age (--older-than 24h)")
    .option('--env <name>', 'environment', 'local')
    .option('--run <id>', 'the run to delete')
    .option('--older-than <age>', 'sweep runs left behind by crashed jobs, e.g. 24h, 90m, 7d')
    .action(async (o: { env: string; run?: string; olderThan?: string }) => {
      if (!!o.run === !!o.olderThan)
        throw new UsageError('Give exactly one of --run <id> or --older-than <age>.', {
          hint: 'e.g. `tollgate seed clean --env staging --run tg_20261122071500_k3m9qx`',
        });
      const maxAge = o.olderThan === undefined ? undefined : parseAge(o.olderThan);
      if (o.olderThan !== undefined && maxAge === undefined)
        throw new UsageError(`--older-than "${o.olderThan}" is not an age.`, { hint: 'Use a number with m, h or d: 90m, 24h, 7d.' });
      const environment = loadEnvironment(o.env);
      if (environment.readOnly) {
        // Nothing was ever seeded there, and a READ_ONLY environment is never written to.
        process.stdout.write(`clean: environment ${environment.name} is READ_ONLY; nothing to clean.\n`);
        return;
      }
      const client = await connect({ env: environment, applicationName: 'tollgate-seed-clean' });
      try {
        const runs = o.run ? [o.run] : await staleRuns(client, maxAge!);
        if (!runs.length) process.stdout.write(`clean: no runs older than ${o.olderThan} in ${environment.name}\n`);
        for (const run of runs) {
          const counts: CleanCounts = await cleanRun(client, run);
          const total = Object.values(counts).reduce((a, b) => a + b, 0);
          process.stdout.write(
            total
              ? `clean: run ${run}: deleted ${total.toLocaleString('en')} rows (${summary(counts)})\n`
              : `clean: run ${run}: nothing left to delete\n`,
          );
        }
      } catch (e) {
        throw classify(e, environment);
      } finally {
        await client.end().catch(() => {});
      }
    });
}
