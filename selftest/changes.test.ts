/**
 * A differential `tollgate run` end to end against a real local stack: an API-only change runs
 * verify, every smoke project and the API regression specs, skips the web regression specs, and
 * says so on screen and in the promotion report.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadChangeMap } from '../gate/changes.ts';
import type { TestResult } from '../gate/types.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { tollgate, workspace } from './helpers.ts';

const BASE = Number(process.env.TOLLGATE_CHANGES_SELFTEST_PORT_BASE ?? 19900);

describe('tollgate run --changed', { concurrency: false }, () => {
  const { dir, env } = workspace('changes');
  let reportDir: string | undefined;

  before(async () => {
    const r = await tollgate(['stack', 'up', '--port-base', String(BASE), '--quiet'], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });
  after(async () => {
    await tollgate(['stack', 'down', '--purge'], env);
    rmSync(dir, { recursive: true, force: true });
    if (reportDir) rmSync(reportDir, { recursive: true, force: true });
  });

  test('an API-only change: verify, smoke and API regression run; web regression specs are skipped and named', async () => {
    const { regression } = loadChangeMap();
    // Focused on what the selection is about: every regression test passes the grep (its path), so only the
    // differential selection keeps the web specs out; of verify and each smoke lane, one test (their full
    // run is the e2e group's).
    const grep = 'regression/|report the same build|verify tells a genuine|the verify page tells';
    const r = await tollgate(
      ['run', '--env', 'local', '--suite', 'smoke,regression', '--changed', 'api/app.py', '--grep', grep],
      env,
      300_000,
    );
    const runId = /tollgate run (tg_\d{14}_[a-z0-9]{6})/.exec(r.stdout)?.[1];
    assert.ok(runId, r.stdout + r.stderr);
    reportDir = join(REPO_ROOT, 'reports', runId);
    assert.equal(r.code, 0, r.stdout + r.stderr);

    const line =
      /^ {2}differential: api-only change \(api\/app\.py → api: API code\): skipping web regression specs (.+); verify and smoke run in full$/m.exec(
        r.stdout,
      );
    assert.ok(line, r.stdout);
    assert.deepEqual(line[1]!.split(', ').sort(), regression.web.map((f) => f.split('/').pop()).sort());

    const results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as TestResult[];
    const projects = new Set(results.map((x) => x.project));
    for (const p of ['verify', 'smoke-api', 'smoke-web', 'smoke-selenium', 'regression']) assert.ok(projects.has(p), `results of ${p}`);
    const ranFiles = new Set(results.filter((x) => x.project === 'regression').map((x) => x.file));
    assert.deepEqual([...ranFiles].sort(), [...regression.api].sort(), 'every API regression spec ran, and nothing else');

    const report = JSON.parse(readFileSync(join(reportDir, 'report.json'), 'utf8')) as { verdict: string; notes: string[] };
    assert.equal(report.verdict, 'PROMOTE');
    assert.ok(
      report.notes.some((n) => n.includes('skipping web regression specs')),
      JSON.stringify(report.notes),
    );
  });
});
