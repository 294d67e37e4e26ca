/** Delete exactly this run's rows (also those the suites created, marked with the run id). */
import { rmdirSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { readContract } from '../../config/run-contract.ts';
import { test as teardown } from '../../fixtures/index.ts';
import { authFile } from '../../fixtures/run.ts';
import { cleanRun } from '../../seed/clean.ts';
import { connect } from '../../seed/db.ts';

teardown("clean up this run's data", async ({ target, runId }) => {
  rmSync(dirname(authFile('admin')), { recursive: true, force: true });
  try {
    rmdirSync(dirname(dirname(authFile('admin')))); // the run's folder, once no other shard uses it
  } catch {
    // another shard of the run on this machine still has its sessions there
  }
  teardown.skip(target.environment.readOnly, 'READ_ONLY environment: nothing was written');
  const run = readContract();
  teardown.skip(!!run.seeded, 'tollgate run seeded this data and cleans it after the suites');
  if (run.keepData) teardown.skip(true, `TOLLGATE_KEEP_DATA=1: run ${runId} kept for inspection`);
  const client = await connect({ env: target.environment, applicationName: `tollgate-clean ${runId}` });
  try {
    const counts = await cleanRun(client, runId);
    await teardown.info().attach('cleanup', { body: JSON.stringify(counts), contentType: 'application/json' });
  } finally {
    await client.end();
  }
});
