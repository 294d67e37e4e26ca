/**
 * Step 6, cleanup: delete exactly this run's rows, whatever happened before. A failure is said on
 * the step line, never thrown: the next run sweeps what is left.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Environment } from '../config/environment.ts';
import { cleanRun } from '../seed/clean.ts';
import { connect } from '../seed/db.ts';
import { runsDir } from '../seed/manifest.ts';
import { injectedFailure } from './guard.ts';
import type { RunPlan } from './plan.ts';
import type { Session } from './session.ts';

export async function cleanupStep(
  s: Session,
  environment: Environment,
  plan: Pick<RunPlan, 'runId' | 'seeded'>,
  keepData: boolean,
): Promise<void> {
  const t = Date.now();
  const { runId } = plan;
  if (!plan.seeded) s.step('cleanup', 'skipped', 0, environment.readOnly ? 'READ_ONLY: nothing was written' : 'nothing was seeded');
  else if (keepData)
    s.step(
      'cleanup',
      'skipped',
      0,
      `data of ${runId} kept for inspection (--keep-data); remove it with \`tollgate seed clean --env ${environment.name} --run ${runId}\``,
    );
  else {
    try {
      injectedFailure('cleanup');
      const rows = await cleanup(environment, runId);
      s.step('cleanup', 'ok', Date.now() - t, `${rows.toLocaleString('en')} rows of ${runId} deleted`);
    } catch (e) {
      s.step(
        'cleanup',
        'failed',
        Date.now() - t,
        `${(e as Error).message} — the next run sweeps it, or run \`tollgate seed clean --env ${environment.name} --run ${runId}\``,
      );
    }
  }
}

async function cleanup(environment: Environment, runId: string): Promise<number> {
  const client = await connect({ env: environment, applicationName: `tollgate-clean ${runId}` });
  try {
    const counts = await cleanRun(client, runId);
    rmSync(join(runsDir(), runId, 'owner.json'), { force: true });
    return Object.values(counts).reduce((a, b) => a + b, 0);
  } finally {
    await client.end();
  }
}
