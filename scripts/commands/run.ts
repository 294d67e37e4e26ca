/** `tollgate run`: flags → the gate (gate/run.ts) → a one-screen summary and the verdict's exit code. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { relative } from 'node:path';
import { parseSuites, SUITE_CHOICES, type SuiteChoice } from '../../config/environment.ts';
import { parseComponents, type Component } from '../../gate/changes.ts';
import { checkBuildId } from '../../gate/promotion.ts';
import { runGate, type RunOutcome } from '../../gate/run.ts';
import { checkRunId } from '../../seed/runid.ts';
import { REPO_ROOT } from '../stack/paths.ts';

const positive = (name: string) => (value: string): number => {
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
export const shardValue = (value: string): string => {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m || Number(m[2]) < 1 || Number(m[1]) < 1 || Number(m[1]) > Number(m[2])) throw new InvalidArgumentError('--shard must be i/n with 1 ≤ i ≤ n, e.g. 2/4.');
  return value;
};

const VERDICT_MARK = { PROMOTE: '✓ PROMOTE', WARN: '! WARN', BLOCK: '✗ BLOCK', INCONCLUSIVE: '? INCONCLUSIVE' } as const;

export function renderSummary(out: RunOutcome): string {
  const { record } = out;
  const lines = [''];
  lines.push(`${VERDICT_MARK[record.verdict]}  ${record.environment} · build ${record.build} · run ${record.runId} · ${(record.durationMs / 1000).toFixed(1)} s`);
  for (const r of record.reasons.slice(0, 5)) lines.push(`  - [${r.rule}] ${r.message}`);
  if (record.reasons.length > 5) lines.push(`  …and ${record.reasons.length - 5} more reasons in the report`);
  const c = record.counts;
  lines.push(`  tests: ${c.passed} passed, ${c.failed} failed, ${c.flaky} flaky, ${c.skipped} skipped${c.quarantined ? `, ${c.quarantined} quarantined` : ''}`);
  for (const [suite, s] of Object.entries(record.countsBySuite)) lines.push(`    ${suite.padEnd(11)} ${s.passed} passed, ${s.failed} failed${s.flaky ? `, ${s.flaky} flaky` : ''}${s.skipped ? `, ${s.skipped} skipped` : ''}`);
  const groups = record.triage.groups;
  if (groups.length) {
    lines.push('  failures by signature:');
    for (const g of groups.slice(0, 5)) {
      lines.push(`    ${g.category}${g.novelty ? ` (${g.novelty})` : ''} ×${g.count}${g.owner ? ` · ${g.owner.team}` : ''}: ${g.signature.slice(0, 110)}`);
    }
    if (groups.length > 5) lines.push(`    …and ${groups.length - 5} more groups in the report`);
  }
  for (const n of out.notes) lines.push(`  note: ${n}`);
  const dir = relative(REPO_ROOT, out.reportDir);
  lines.push(`  report: ${dir}/index.html  (also summary.md, report.json; reports/latest/)`);
  lines.push(`  exit ${out.exitCode} (${record.verdict})`);
  return `${lines.join('\n')}\n`;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('the post-deployment gate: ready → seed → verify + suites → cleanup → triage → gate → record → publish')
    .requiredOption('--env <name>', 'environment (config/environments/<name>.env)')
    .option('--build <id>', 'the build that must be deployed (default: EXPECTED_BUILD, or the local stack\'s)')
    .option('--suite <list>', `suites: ${SUITE_CHOICES.join(', ')} (comma-separated; demo alone); default: the environment's SUITES`, suitesValue)
    .option('--seed <n>', 'replay a run\'s data', seedValue)
    .option('--workers <n>', 'Playwright workers', positive('--workers'))
    .option('--shard <i/n>', 'run one shard of the suites (Playwright sharding; this shard seeds, cleans and records on its own)', shardValue)
    .option('--changed <range|files>', 'differential run: a git range (main...HEAD, diffed in the current directory) or comma-separated changed files; config/changes.json maps them to regression specs')
    .option('--components <list>', 'differential run: the components that changed: api, web, db (db runs everything)', componentsValue)
    .option('--run <id>', 'use this run id instead of a new one')
    .option('--keep-data', 'leave this run\'s data in the database for inspection')
    .option('--verbose', 'show Playwright\'s own output')
    .action(async (o: { env: string; build?: string; suite?: SuiteChoice[]; seed?: number; workers?: number; shard?: string; run?: string; keepData?: boolean; verbose?: boolean; changed?: string; components?: Component[] }) => {
      if (o.build !== undefined) checkBuildId(o.build);
      if (o.run !== undefined) checkRunId(o.run);
      const out = await runGate({
        env: o.env, build: o.build, suites: o.suite, seed: o.seed, workers: o.workers, shard: o.shard, runId: o.run, keepData: o.keepData,
        changed: o.changed, components: o.components,
        playwrightOutput: o.verbose ? 'inherit' : 'quiet',
      });
      process.stdout.write(renderSummary(out));
      process.exitCode = out.exitCode;
    });
}
