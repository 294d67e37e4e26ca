/**
 * `tollgate run`, `prepare` and `merge`: flags → the pipeline (pipeline/) → a one-screen summary and the verdict's exit code.
 * The pipeline is loaded when a command runs, not when the CLI starts: `stack up` does not pay for it.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { dirname, join, relative } from 'node:path';
import { parseSuites, SUITE_CHOICES, type SuiteChoice } from '../../config/policy.ts';
import { parseComponents, type Component } from '../../gate/changes.ts';
import { grepProblem } from '../../gate/focus.ts';
import { InterruptedError, UsageError } from '../../config/errors.ts';
import { planFile } from '../../pipeline/plan.ts';
import { checkBuildId, checkRunId } from '../../config/ids.ts';
import { appendFileSync } from 'node:fs';
import type { RunOutcome } from '../../pipeline/run.ts';
import { parseShard } from '../../pipeline/parts.ts';
import { REPO_ROOT } from '../../config/paths.ts';

const positive =
  (name: string) =>
  (value: string): number => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError(`${name} must be a whole number ≥ 1.`);
    return Number(value);
  };
const seedValue = (value: string): number => {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('--seed must be a whole number (printed by every run).');
  return Number(value);
};
const suitesValue = (value: string): SuiteChoice[] => {
  const suites = parseSuites(value);
  if (!suites) throw new InvalidArgumentError(`--suite must be a comma-separated list of ${SUITE_CHOICES.join(', ')}; demo runs alone.`);
  return suites;
};
const componentsValue = (value: string): Component[] => {
  try {
    return parseComponents(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
};
const grepValue = (value: string): string => {
  const problem = grepProblem(value);
  if (problem) throw new InvalidArgumentError(problem);
  return value;
};
export const shardValue = (value: string): string => {
  if (!parseShard(value)) throw new InvalidArgumentError('--shard must be i/n with 1 ≤ i ≤ n, e.g. 2/4.');
  return value;
};

const VERDICT_MARK = { PROMOTE: '✓ PROMOTE', WARN: '! WARN', BLOCK: '✗ BLOCK', INCONCLUSIVE: '? INCONCLUSIVE' } as const;

export function renderSummary(out: RunOutcome): string {
  const { record } = out;
  const lines = [''];
  lines.push(
    `${VERDICT_MARK[record.verdict]}  ${record.environment} · build ${record.build} · run ${record.runId} · ${(record.durationMs / 1000).toFixed(1)} s`,
  );
  for (const r of record.reasons.slice(0, 5)) lines.push(`  - [${r.rule}] ${r.message}`);
  if (record.reasons.length > 5) lines.push(`  …and ${record.reasons.length - 5} more reasons in the report`);
  const c = record.counts;
  lines.push(
    `  tests: ${c.passed} passed, ${c.failed} failed, ${c.flaky} flaky, ${c.skipped} skipped${c.quarantined ? `, ${c.quarantined} quarantined` : ''}`,
  );
  for (const [suite, s] of Object.entries(record.countsBySuite))
    lines.push(
      `    ${suite.padEnd(11)} ${s.passed} passed, ${s.failed} failed${s.flaky ? `, ${s.flaky} flaky` : ''}${s.skipped ? `, ${s.skipped} skipped` : ''}`,
    );
  const groups = record.triage.groups;
  if (groups.length) {
    lines.push('  failures by signature:');
    for (const g of groups.slice(0, 5)) {
      lines.push(
        `    ${g.category}${g.novelty ? ` (${g.novelty})` : ''} ×${g.count}${g.owner ? ` · ${g.owner.team}` : ''}: ${g.signature.slice(0, 110)}`,
      );
    }
    if (groups.length > 5) lines.push(`    …and ${groups.length - 5} more groups in the report`);
  }
  for (const n of out.notes) lines.push(`  note: ${n}`);
  const dir = relative(REPO_ROOT, out.reportDir);
  lines.push(`  report: ${dir}/index.html  (also summary.md, report.json; reports/latest/)`);
  lines.push(`  exit ${out.exitCode} (${record.verdict})`);
  return `${lines.join('\n')}\n`;
}

interface SelectionFlags {
  env?: string;
  build?: string;
  suite?: SuiteChoice[];
  seed?: number;
  run?: string;
  changed?: string;
  components?: Component[];
  grep?: string;
}

/** What a run tests: the flags `run` and `prepare` share. */
function selectionOptions(command: Command): Command {
  return command
    .option('--env <name>', 'environment (config/environments/<name>.env)')
    .option('--build <id>', "the build that must be deployed (default: EXPECTED_BUILD, or the local stack's)")
    .option(
      '--suite <list>',
      `suites: ${SUITE_CHOICES.join(', ')} (comma-separated; demo alone); default: the environment's SUITES`,
      suitesValue,
    )
    .option('--seed <n>', "replay a run's data", seedValue)
    .option(
      '--changed <range|files>',
      'differential run: a git range (main...HEAD, diffed in the current directory) or comma-separated changed files; config/changes.json maps them to regression specs',
    )
    .option('--components <list>', 'differential run: the components that changed: api, web, db (db runs everything)', componentsValue)
    .option(
      '--grep <regex>',
      'focused run: only the tests whose title matches (setup still runs); for reproducing one failure, never promotion evidence',
      grepValue,
    )
    .option('--run <id>', 'use this run id instead of a new one');
}

function selection(o: SelectionFlags) {
  if (!o.env)
    throw new UsageError('--env is required: which environment to test.', {
      hint: 'e.g. `npx tollgate run --env staging` (environments: config/environments/*.env).',
    });
  if (o.build !== undefined) checkBuildId(o.build);
  if (o.run !== undefined) checkRunId(o.run);
  return {
    env: o.env,
    build: o.build,
    suites: o.suite,
    seed: o.seed,
    runId: o.run,
    changed: o.changed,
    components: o.components,
    ...(o.grep !== undefined ? { grep: o.grep } : {}),
  };
}

export function registerRun(program: Command): void {
  selectionOptions(
    program
      .command('run')
      .description(
        'the post-deployment gate: ready → seed → verify + suites → cleanup → triage → gate → record → publish; with --plan, one shard of a prepared run',
      ),
  )
    .option('--workers <n>', 'Playwright workers', positive('--workers'))
    .option(
      '--plan <file>',
      'run the suites of a prepared run (`tollgate prepare` wrote reports/<run>/plan.json); `tollgate merge` gives the verdict',
    )
    .option('--shard <i/n>', 'with --plan (or --run of a prepared run): run shard i of n (Playwright sharding)', shardValue)
    .option('--keep-data', "leave this run's data in the database for inspection")
    .option(
      '--fail-fast',
      'stop the suites the moment BLOCK is certain, then clean up, record and publish (the report names what did not run); default: run on for the full evidence',
    )
    .option('--verbose', "show Playwright's own output")
    .action(
      async (
        o: SelectionFlags & { workers?: number; plan?: string; shard?: string; keepData?: boolean; failFast?: boolean; verbose?: boolean },
      ) => {
        const playwrightOutput = o.verbose ? 'inherit' : 'quiet';
        const plan = o.plan ?? (o.shard && o.run ? planFile(join(REPO_ROOT, 'reports', checkRunId(o.run))) : undefined);
        if (o.shard && !plan) {
          throw new UsageError('--shard needs a prepared run: seeding and cleanup happen once for all shards.', {
            hint: '`npx tollgate prepare --env <name>` first, then `npx tollgate run --plan reports/<run>/plan.json --shard i/n` per shard, then `npx tollgate merge reports/<run>/shards`.',
          });
        }
        if (plan) {
          const fixed = (['env', 'build', 'suite', 'seed', 'changed', 'components', 'grep', 'keepData'] as const).filter(
            (k) => o[k] !== undefined,
          );
          if (fixed.length) {
            throw new UsageError(
              `--${fixed.map((k) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)).join(', --')} cannot be given to a shard: the plan fixed them when the run was prepared.`,
              {
                hint: 'Give them to `tollgate prepare` (and --keep-data to `tollgate merge`).',
              },
            );
          }
          if (o.failFast) {
            throw new UsageError('--fail-fast is for a single run: a shard runs its part to the end, and `tollgate merge` decides.', {
              hint: 'Leave --fail-fast off the shards, or run the gate unsharded with `npx tollgate run --env <name> --fail-fast`.',
            });
          }
          const { runShard } = await import('../../pipeline/shard.ts');
          const out = await runShard({ plan, shard: parseShard(o.shard ?? '1/1')!, workers: o.workers, playwrightOutput });
          process.exitCode = out.exitCode;
          return;
        }
        const { runGate } = await import('../../pipeline/run.ts');
        const out = await runGate({ ...selection(o), workers: o.workers, keepData: o.keepData, failFast: o.failFast, playwrightOutput });
        process.stdout.write(renderSummary(out));
        process.exitCode = out.exitCode;
      },
    );
}

export function registerPrepare(program: Command): void {
  selectionOptions(
    program
      .command('prepare')
      .description(
        'the start of a sharded run: ready → seed, once; writes reports/<run>/plan.json for `tollgate run --plan … --shard i/n`',
      ),
  )
    .option(
      '--shards <n>',
      'how many shards will run the plan: balance them by the measured durations in the results store',
      positive('--shards'),
    )
    .option('--workers <n>', 'Playwright workers each shard will run with, for the balance (default 2)', positive('--workers'))
    .action(async (o: SelectionFlags & { shards?: number; workers?: number }) => {
      const { prepareRun } = await import('../../pipeline/prepare.ts');
      const { plan, file } = await prepareRun({ ...selection(o), shards: o.shards, workers: o.workers });
      const shown = relative(REPO_ROOT, file);
      // In GitHub Actions, the next jobs find the run and its plan in the step's outputs.
      if (process.env.GITHUB_OUTPUT) appendFileSync(process.env.GITHUB_OUTPUT, `run-id=${plan.runId}\nplan=${shown}\n`);
      if (plan.interrupted)
        throw new InterruptedError(
          `run ${plan.runId} interrupted (${plan.interrupted}) while preparing; nothing of it is left in the database.`,
        );
      process.stdout.write(
        `\nrun ${plan.runId} prepared: run each shard with \`npx tollgate run --plan ${shown} --shard i/n\`, then \`npx tollgate merge ${relative(REPO_ROOT, join(dirname(file), 'shards'))}\`.\n`,
      );
    });
}

export function registerMerge(program: Command): void {
  program
    .command('merge')
    .description("the end of a sharded run: the shards' parts → cleanup → triage → gate → record → publish, once")
    .argument('<dirs...>', "the shards' part directories (reports/<run>/shards), or the folder their CI artifacts were downloaded to")
    .option('--plan <file>', "the run's plan (default: the copy in the parts); needed when no shard reported")
    .option('--keep-data', "leave this run's data in the database for inspection")
    .action(async (dirs: string[], o: { plan?: string; keepData?: boolean }) => {
      const { mergeRun } = await import('../../pipeline/merge.ts');
      const out = await mergeRun({ dirs, plan: o.plan, keepData: o.keepData });
      process.stdout.write(renderSummary(out));
      process.exitCode = out.exitCode;
    });
}
