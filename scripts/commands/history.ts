/** `tollgate history --env E [--build ID]`: recent runs from the results store. Parsing and rendering only. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { loadEnvironment } from '../../config/environment.ts';
import { UsageError } from '../../config/errors.ts';
import { checkBuildId } from '../../config/ids.ts';
import { when } from '../../gate/promotion.ts';
import { openStore, type StoredRun } from '../../gate/store.ts';
import { clip, duration } from '../../lib/text.ts';

const limit = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000)
    throw new InvalidArgumentError('--limit must be an integer from 1 to 1000.');
  return Number(value);
};

/** One line per run, columns aligned; the first reason is the most severe. */
export function historyTable(runs: StoredRun[]): string {
  const rows = [
    ['STARTED', 'RUN', 'ENV', 'BUILD', 'VERDICT', 'PASS/FAIL/FLAKY', 'DURATION', 'FIRST REASON'],
    ...runs.map((r) => [
      when(r.startedAt),
      r.runId,
      r.environment,
      r.build,
      r.verdict,
      `${r.counts.passed}/${r.counts.failed}/${r.counts.flaky}`,
      duration(r.durationMs, 'short'),
      clip(r.reasons[0]?.message.split('\n')[0] ?? '', 80),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  return (
    rows
      .map((row) =>
        row
          .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}

export function registerHistory(program: Command): void {
  program
    .command('history')
    .description('recent runs from the results store, newest first (of an environment, a build, or both)')
    .option('--env <name>', 'environment (config/environments/<name>.env)')
    .option('--build <id>', 'only runs of this build')
    .option('--limit <n>', 'at most this many runs (default 20)', limit, 20)
    .option('--json', 'print the runs as JSON (without per-test results)')
    .action(async (o: { env?: string; build?: string; limit: number; json?: boolean }) => {
      if (!o.env && !o.build)
        throw new UsageError('Give --env <name>, --build <id>, or both.', {
          hint: 'e.g. `tollgate history --env staging` or `tollgate history --build 3f2c1a9`',
        });
      if (o.build !== undefined) checkBuildId(o.build);
      const environment = o.env ? loadEnvironment(o.env) : undefined;
      // RESULTS_DATABASE_URL is global; the environment's local file may also set it.
      const url = environment ? environment.resultsDatabaseUrl : process.env.RESULTS_DATABASE_URL || undefined;
      const store = await openStore({ url });
      let runs: StoredRun[];
      try {
        runs = environment
          ? await store.history(environment.name, { limit: o.limit, build: o.build })
          : await store.runsForBuild(o.build!, undefined, o.limit);
      } finally {
        await store.close();
      }
      if (o.json) {
        process.stdout.write(
          JSON.stringify(
            runs.map(({ results: _, ...run }) => run),
            null,
            2,
          ) + '\n',
        );
        return;
      }
      const what = [o.build && `of build ${o.build}`, environment && `in ${environment.name}`].filter(Boolean).join(' ');
      if (!runs.length) {
        process.stdout.write(`history: no runs ${what} (${store.where})\n`);
        return;
      }
      process.stdout.write(historyTable(runs));
    });
}
