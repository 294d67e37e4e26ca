/**
 * Readiness first: web root, API /readyz and (when Tollgate has its URL) the database, polled
 * with backoff until the environment's READY_TIMEOUT. If it passes, this one setup test fails
 * naming what was not ready, and every suite depending on it is skipped.
 */
import { readContract } from '../../config/run-contract.ts';
import { test as setup } from '../../fixtures/index.ts';
import { targetProbes, waitUntilReady } from '../../gate/readiness.ts';

setup('the environment is ready', async ({ target }) => {
  const timeout = (readContract().readyTimeoutS ?? 0) * 1000 || target.environment.readyTimeoutMs;
  setup.setTimeout(timeout + 15_000);
  const results = await waitUntilReady(targetProbes(target), timeout);
  await setup.info().attach('readiness', { body: JSON.stringify(results, null, 2), contentType: 'application/json' });
});
