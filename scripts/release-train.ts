/**
 * `npm run release-train`: the whole promotion path rehearsed live on this machine. Three
 * environments `dev`, `staging` and `prod` (prod READ_ONLY, its canary records written once by
 * the rehearsal as "production data") run as reference stacks on their own ports, with one
 * results store. Every step is the real CLI, as a pipeline would run it:
 *   1. build A: deploy to dev → gate → PROMOTE → promote to staging → deploy → gate → PROMOTE;
 *   2. promote to prod is refused until an approval is recorded; then deploy A to prod and gate
 *      it read-only with the canaries → PROMOTE, with no row written to prod's business tables;
 *   3. build B, which carries a fault: deploy to dev → BLOCK; promote B to staging is refused.
 * Last line: `release-train: A reached prod in <S> s; B stopped at dev (BLOCK); <N> promotions
 * refused`, exit 0 only when all of that happened as described.
 *
 * Options: --port-base N (default 18600: dev N, staging N+10, prod N+20), --keep (leave the
 * stacks running), --fault <name> (B's fault, default revoked_reads_genuine), --suite <list>
 * (dev's and staging's suites instead of their SUITES; prod always runs its read-only smoke).
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { REPO_ROOT } from '../config/paths.ts';
import { runNode } from '../lib/spawn.ts';
import { seconds } from '../lib/text.ts';
import type { StackState } from '../stack/state.ts';
import { reportError } from './cli.ts';

const CLI = join(REPO_ROOT, 'scripts', 'tollgate.js');
const ENVS = ['dev', 'staging', 'prod'] as const;
type Env = (typeof ENVS)[number];
/** The tables whose rows are the business's data; `verifications` is the product's own scan log, written by any reader. */
const BUSINESS_TABLES = ['users', 'assets', 'tags', 'tag_links', 'audit_log'];
const DATABASE_URL_VAR: Record<Env, string> = { dev: 'DEV_DATABASE_URL', staging: 'STAGING_DATABASE_URL', prod: 'PROD_DATABASE_URL' };

interface Check {
  what: string;
  ok: boolean;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'port-base': { type: 'string', default: '18600' },
      keep: { type: 'boolean', default: false },
      fault: { type: 'string' },
      suite: { type: 'string' },
    },
  });
  const portBase = Number(values['port-base']);
  if (!Number.isInteger(portBase) || portBase < 1024 || portBase > 65500)
    throw new Error(`--port-base ${values['port-base']} is not a port`);
  const fault = values.fault ?? 'revoked_reads_genuine';
  const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
  const A = `rt-a-${sha}`;
  const B = `rt-b-${sha}`;
  mkdirSync(join(REPO_ROOT, '.tollgate'), { recursive: true });
  const work = mkdtempSync(join(REPO_ROOT, '.tollgate', 'release-train-'));
  chmodSync(work, 0o755); // the stacks' postgres user must reach the clusters inside
  const slackDir = join(work, 'slack');
  mkdirSync(slackDir);
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    TOLLGATE_RESULTS_DIR: join(work, 'results'),
    TOLLGATE_RUNS_DIR: join(work, 'runs'),
    TOLLGATE_SPOOL_DIR: join(work, 'spool'),
    TOLLGATE_ALLURE_HISTORY_DIR: join(work, 'allure-history'),
    RESULTS_DATABASE_URL: '',
    SLACK_WEBHOOK_URL: '',
    SLACK_BOT_TOKEN: '',
    CI: '',
    GITHUB_ACTOR: 'release-train',
  };
  const stackEnv = (e: Env): NodeJS.ProcessEnv => ({ ...base, TOLLGATE_STACK_DIR: join(work, e, 'stack') });
  const checks: Check[] = [];
  const check = (what: string, ok: boolean) => {
    checks.push({ what, ok });
    console.log(`  ${ok ? '✓' : '✗'} ${what}`);
    return ok;
  };
  const t0 = performance.now();
  const since = () => seconds(performance.now() - t0);
  const cli = async (args: string[], env: NodeJS.ProcessEnv) => runNode([CLI, ...args], { env, cwd: REPO_ROOT });
  const state = (e: Env) => JSON.parse(readFileSync(join(work, e, 'stack', 'state.json'), 'utf8')) as StackState;

  const deploy = async (e: Env, build: string, faults: string[] = []) => {
    const r = await cli(
      [
        'stack',
        'up',
        '--build',
        build,
        '--port-base',
        String(portBase + 10 * ENVS.indexOf(e)),
        '--quiet',
        ...(faults.length ? ['--faults', faults.join(',')] : []),
      ],
      stackEnv(e),
    );
    if (r.code !== 0) throw new Error(`deploying ${build} to ${e} failed:\n${r.output}`);
    console.log(
      `[${since()}] deploy ${build} → ${e}${faults.length ? ` (carries the fault ${faults.join(',')})` : ''}: ${state(e).urls.web}/`,
    );
  };

  let canaries: Record<string, string> = {};
  const gateEnv = (e: Env): NodeJS.ProcessEnv => {
    const s = state(e);
    return {
      ...base,
      TOLLGATE_WEB_URL: s.urls.web,
      TOLLGATE_API_URL: s.urls.api,
      [DATABASE_URL_VAR[e]]: s.databaseUrl,
      ...(e === 'prod' ? canaries : {}),
    };
  };
  const gate = async (e: Env, build: string, extra: string[] = []) => {
    const suites = values.suite && e !== 'prod' ? ['--suite', values.suite] : [];
    const r = await cli(['run', '--env', e, '--build', build, ...suites, ...extra], gateEnv(e));
    const verdict = /^[✓✗!?]\s+(PROMOTE|WARN|BLOCK|INCONCLUSIVE)\s/m.exec(r.output)?.[1] ?? `exit ${r.code}`;
    const runId = /tollgate run (tg_\w+)/.exec(r.output)?.[1];
    // The first reason under the summary's verdict line.
    const summary = r.output.slice(r.output.search(/^[✓✗!?]\s+(PROMOTE|WARN|BLOCK|INCONCLUSIVE)\s/m));
    const reason = /^ {2}- (.*)$/m.exec(summary)?.[1] ?? '';
    console.log(`[${since()}] gate ${e} ${build}: ${verdict} (${runId ?? 'no run id'}) ${reason}`);
    const slack = runId && join(REPO_ROOT, 'reports', runId, 'slack.json');
    if (slack && existsSync(slack)) copyFileSync(slack, join(slackDir, `${String(checks.length).padStart(2, '0')}-${e}-${build}.json`));
    return { verdict, runId, output: r.output };
  };
  let refused = 0;
  const promote = async (build: string, to: Env) => {
    const r = await cli(['promote', '--build', build, '--to', to, '--actor', 'release-train'], { ...base });
    const allowed = r.code === 0;
    if (!allowed) refused++;
    console.log(
      `[${since()}] promote ${build} → ${to}: ${allowed ? 'ALLOWED' : 'REFUSED'}${allowed ? '' : `: ${/^ {2}- (.*)$/m.exec(r.output)?.[1] ?? r.output.trim()}`}`,
    );
    return allowed;
  };
  const businessRows = async () => {
    const db = new pg.Client({ connectionString: state('prod').databaseUrl });
    await db.connect();
    try {
      const counts: Record<string, number> = {};
      for (const t of BUSINESS_TABLES) counts[t] = Number((await db.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
      return counts;
    } finally {
      await db.end();
    }
  };

  try {
    console.log(
      `release-train: dev, staging and prod on ports ${portBase}, ${portBase + 10}, ${portBase + 20}; build A = ${A}, build B = ${B} (fault ${fault}); work in ${relative(REPO_ROOT, work)}`,
    );
    // The environments as they were before this release: all three run the previous build.
    await Promise.all(ENVS.map((e) => deploy(e, `rt-previous-${sha}`)));
    // Production's data, written once by the rehearsal (Tollgate never writes to prod): its canaries.
    const seeded = await cli(['seed', '--env', 'local', '--profile', 'smoke'], stackEnv('prod'));
    const runId = /seed: run (tg_\w+)/.exec(seeded.output)?.[1];
    if (seeded.code !== 0 || !runId) throw new Error(`writing prod's canary records failed:\n${seeded.output}`);
    const m = JSON.parse(readFileSync(join(work, 'runs', runId, 'manifest.json'), 'utf8')) as {
      tags: { genuine: { code: string }[]; revoked: { code: string }[]; unknown: string[] };
    };
    canaries = {
      TOLLGATE_CANARY_GENUINE_CODE: m.tags.genuine[0]!.code,
      TOLLGATE_CANARY_REVOKED_CODE: m.tags.revoked[0]!.code,
      TOLLGATE_CANARY_UNKNOWN_CODE: m.tags.unknown[0]!,
    };
    console.log(
      `[${since()}] prod's canary records written (genuine ${canaries.TOLLGATE_CANARY_GENUINE_CODE}, revoked ${canaries.TOLLGATE_CANARY_REVOKED_CODE})`,
    );

    // 1. Build A through dev and staging.
    const start = performance.now();
    await deploy('dev', A);
    check('A: dev gate PROMOTE', (await gate('dev', A)).verdict === 'PROMOTE');
    check('A: promotion dev → staging allowed', await promote(A, 'staging'));
    await deploy('staging', A);
    check('A: staging gate PROMOTE', (await gate('staging', A)).verdict === 'PROMOTE');

    // 2. Production: refused until a person approves, then a read-only gate that writes nothing.
    check('A: promotion staging → prod refused without an approval', !(await promote(A, 'prod')));
    const approved = await cli(
      ['approve', '--build', A, '--to', 'prod', '--approver', 'rita.release-manager', '--note', 'release-train rehearsal'],
      { ...base },
    );
    console.log(`[${since()}] ${approved.output.trim()}`);
    check('A: approval recorded', approved.code === 0);
    check('A: promotion staging → prod allowed once approved', await promote(A, 'prod'));
    const before = await businessRows();
    await deploy('prod', A);
    const prodGate = await gate('prod', A);
    const after = await businessRows();
    check('A: prod gate (READ_ONLY, canaries) PROMOTE', prodGate.verdict === 'PROMOTE');
    const unchanged = BUSINESS_TABLES.every((t) => before[t] === after[t]);
    check(
      `prod's business tables unchanged by its gate (${BUSINESS_TABLES.map((t) => `${t} ${before[t]}→${after[t]}`).join(', ')})`,
      unchanged,
    );
    const reachedProd = (performance.now() - start) / 1000;

    // 3. Build B carries a fault: stopped at dev, refused further.
    await deploy('dev', B, [fault]);
    check('B: dev gate BLOCK', (await gate('dev', B, ['--fail-fast'])).verdict === 'BLOCK');
    check('B: promotion dev → staging refused', !(await promote(B, 'staging')));

    if (prodGate.runId) console.log(`release-train: A's path in its prod run's promotion report: reports/${prodGate.runId}/index.html`);
    console.log(`release-train: Slack payloads of each gate in ${relative(REPO_ROOT, slackDir)}/`);
    const failed = checks.filter((c) => !c.ok);
    if (failed.length) console.log(`release-train: NOT as described: ${failed.map((c) => c.what).join('; ')}`);
    console.log(`release-train: A reached prod in ${Math.round(reachedProd)} s; B stopped at dev (BLOCK); ${refused} promotions refused`);
    return failed.length === 0 && refused === 2 ? 0 : 1;
  } finally {
    if (!values.keep) {
      // The stacks go; the results store, manifests and Slack payloads stay in the work directory.
      for (const e of ENVS) await cli(['stack', 'down', '--purge'], stackEnv(e));
    }
  }
}

try {
  process.exitCode = await main();
} catch (e) {
  process.exitCode = reportError(e);
}
