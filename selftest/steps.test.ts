/**
 * No step escapes without a verdict: an error nobody planned for is injected into each step of
 * `tollgate run` in turn (TOLLGATE_SELFTEST_FAIL_STEP), and each time the run still ends with a
 * verdict and its exit code, the step named, a record (or the spool), the reports and cleanup —
 * never "internal error". Then a deployment whose migration adds a required column the seeder
 * does not know (fault switch asset_custodian_required) gets a verdict the same way: BLOCK, since
 * the product's own API cannot create an asset either.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { REPO_ROOT } from '../config/paths.ts';
import { gateRun, runRows, stackDatabase, tollgate, workspace } from './helpers.ts';

const BASE = Number(process.env.TOLLGATE_STEPS_SELFTEST_PORT_BASE ?? 20200);

describe('an unplanned error in any step', { concurrency: false }, () => {
  const { dir, env } = workspace('steps');
  const reportDirs: string[] = [];
  let db: pg.Client;

  const deploy = async (faults: string[] = []) => {
    const r = await tollgate(
      ['stack', 'up', '--port-base', String(BASE), '--build', 'steps', '--quiet', ...(faults.length ? ['--faults', faults.join(',')] : [])],
      env,
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
  };
  const gate = async (args: string[], extra: NodeJS.ProcessEnv = {}) => {
    const r = await gateRun(args, { ...env, ...extra }, reportDirs);
    const runId = r.runId ?? assert.fail(r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, /internal error|\n\s+at .+:\d+:\d+/, 'no bug escapes: no internal error, no stack trace');
    assert.ok(existsSync(join(REPO_ROOT, 'reports', runId, 'index.html')), 'the promotion report is written');
    return { ...r, runId };
  };
  const rowsOf = (runId: string) => runRows(db, runId);
  const recorded = async (runId: string) => {
    const r = await tollgate(['history', '--env', 'local', '--json'], env);
    return (JSON.parse(r.stdout) as { runId: string }[]).some((x) => x.runId === runId);
  };

  before(async () => {
    await deploy();
    ({ db } = await stackDatabase(env));
  });
  after(async () => {
    await db?.end();
    await tollgate(['stack', 'down', '--purge'], env);
    rmSync(dir, { recursive: true, force: true });
    for (const d of reportDirs) rmSync(d, { recursive: true, force: true });
  });

  // [step, verdict, exit code]: before and in the verdict's own steps the run cannot be tested;
  // after them the verdict stands and the step's failure is said.
  const CASES: [string, string, number][] = [
    ['ready', 'INCONCLUSIVE', 2],
    ['seed', 'INCONCLUSIVE', 2],
    ['suites', 'INCONCLUSIVE', 2],
    ['cleanup', 'PROMOTE', 0],
    ['triage', 'INCONCLUSIVE', 2],
    ['gate', 'INCONCLUSIVE', 2],
    ['record', 'PROMOTE', 0],
    ['publish', 'PROMOTE', 0],
  ];
  for (const [step, verdict, code] of CASES) {
    test(`${step}: verdict ${verdict}, exit ${code}, the step named, recorded, reported, cleaned`, async () => {
      // A focused run of one quick API journey: every step runs, and the point is the step that breaks.
      const r = await gate(['--suite', 'smoke', '--grep', 'a seeded admin signs in'], { TOLLGATE_SELFTEST_FAIL_STEP: step });
      assert.equal(r.code, code, r.stdout + r.stderr);
      // The step's line names the failure (cleanup words its own failures; the gate leads with the verdict it fell back to).
      assert.match(
        r.stdout,
        new RegExp(
          `✗ ${step}\\s+\\d+\\.\\d s\\s+(INCONCLUSIVE: )?(unexpected error in the ${step} step: )?injected failure in the ${step} step`,
        ),
      );
      assert.match(r.stdout, new RegExp(`exit ${code} \\(${verdict}\\)`));
      if (verdict === 'INCONCLUSIVE') assert.match(r.stdout, new RegExp(`\\[untestable\\] The ${step} step failed`));
      if (step === 'record') {
        assert.ok(
          readdirSync(env.TOLLGATE_SPOOL_DIR!).some((f) => f.startsWith(r.runId)),
          'the record is spooled',
        );
      } else {
        assert.ok(await recorded(r.runId), 'the run is in the results store');
      }
      if (step === 'cleanup') {
        assert.ok((await rowsOf(r.runId)) > 0, 'the injected failure stopped the cleanup');
        assert.match(r.stdout, new RegExp(`tollgate seed clean --env local --run ${r.runId}`), 'and the step says how to clean up');
        assert.equal((await tollgate(['seed', 'clean', '--env', 'local', '--run', r.runId], env)).code, 0);
      }
      assert.equal(await rowsOf(r.runId), 0, 'nothing of the run is left');
    });
  }

  test('a migration that adds a required column the product itself does not fill: BLOCK, not a crash', async () => {
    await deploy(['asset_custodian_required']);
    try {
      const r = await gate(['--suite', 'smoke']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.match(r.stdout, /✗ seed .*custodian/);
      assert.match(
        r.stdout,
        /\[deployment-broken\] The seed step failed because of the deployment: .*"custodian".*not-null.*the product's own API cannot create assets either: POST \/api\/assets answered 500/,
      );
      assert.ok(await recorded(r.runId));
      assert.equal(await rowsOf(r.runId), 0, 'the seed is one transaction: nothing was written');
    } finally {
      await deploy();
    }
  });
});
