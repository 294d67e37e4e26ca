/**
 * Readiness first: web root, API /readyz and (when Tollgate has its URL) the database, polled
 * with backoff until the environment's READY_TIMEOUT. If it passes, this one setup test fails
 * naming what was not ready, and every suite depending on it is skipped.
 */
import { test as setup } from '../../fixtures/index.ts';
import { httpProbe, waitUntilReady, type Probe } from '../../gate/readiness.ts';
import { connect } from '../../seed/db.ts';

setup('the environment is ready', async ({ target }) => {
  const probes: Probe[] = [httpProbe('web', `${target.webURL}/`), httpProbe('api', target.readyzURL)];
  if (target.environment.databaseUrl) {
    probes.push({
      name: `database (${target.environment.databaseUrlVar})`,
      check: async () => {
        const client = await connect({ env: target.environment, applicationName: 'tollgate-ready' });
        try {
          await client.query('SELECT 1');
        } finally {
          await client.end();
        }
      },
    });
  }
  const timeout = Number(process.env.TOLLGATE_READY_TIMEOUT) * 1000 || target.environment.readyTimeoutMs;
  setup.setTimeout(timeout + 15_000);
  const results = await waitUntilReady(probes, timeout);
  await setup.info().attach('readiness', { body: JSON.stringify(results, null, 2), contentType: 'application/json' });
});
