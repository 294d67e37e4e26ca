/** This run's data, seeded once before the suites; cleaned by cleanup.teardown.ts after them. */
import { readContract } from '../../config/run-contract.ts';
import { test as setup } from '../../fixtures/index.ts';
import { seed } from '../../seed/seed.ts';

setup("seed this run's data", async ({ target, runId }) => {
  setup.skip(
    target.environment.readOnly,
    `READ_ONLY environment "${target.environment.name}": nothing is seeded; read-only checks use its canary records`,
  );
  const run = readContract();
  setup.skip(!!run.seeded, `seeded by tollgate run before the suites (run ${runId})`);
  setup.setTimeout(120_000);
  const result = await seed({
    environment: target.environment,
    profile: run.seedProfile || 'regression',
    seed: run.seed,
    runId,
  });
  const { users, ...shareable } = result.manifest; // passwords stay in the private manifest
  await setup.info().attach('seed', {
    body: JSON.stringify(
      { ...shareable, users: Object.fromEntries(Object.entries(users).map(([r, us]) => [r, us.map((u) => u.email)])) },
      null,
      2,
    ),
    contentType: 'application/json',
  });
});
