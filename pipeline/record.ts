/**
 * Step 9, record: the run into the results store; when the store cannot be reached, into the
 * spool, which the next run that reaches the store flushes. The verdict never depends on it.
 */
import { relative } from 'node:path';
import type { Environment } from '../config/environment.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { recordOrSpool, spool, spoolDir } from '../gate/spool.ts';
import { resultsDir } from '../gate/store/sql.ts';
import type { RunRecord } from '../gate/types.ts';
import { injectedFailure, unexpected } from './guard.ts';
import type { Session } from './session.ts';

export async function recordStep(s: Session, record: RunRecord, environment: Environment, processEnv: NodeJS.ProcessEnv): Promise<void> {
  const t = Date.now();
  let stored: Awaited<ReturnType<typeof recordOrSpool>>;
  try {
    injectedFailure('record', processEnv);
    stored = await recordOrSpool(record, {
      url: environment.resultsDatabaseUrl,
      dataDir: resultsDir(processEnv),
      spoolDir: spoolDir(processEnv),
    });
  } catch (e) {
    // Not planned for: the record goes to the spool, which the next run flushes.
    const why = unexpected('record', e).message;
    try {
      const where = relative(REPO_ROOT, spool(record, spoolDir(processEnv)));
      s.notes.push(`The run was not recorded (${why}); it was spooled to ${where} and is written by the next run that reaches the store.`);
      s.step('record', 'failed', Date.now() - t, `${why}; spooled to ${where}`);
      return;
    } catch (spoolError) {
      s.notes.push(`The run could not be recorded (${why}) nor spooled (${(spoolError as Error).message}).`);
      s.step('record', 'failed', Date.now() - t, `${why}; not spooled either`);
      return;
    }
  }
  if (stored.recorded) {
    s.step(
      'record',
      'ok',
      Date.now() - t,
      `in the results store${stored.flushed ? ` (and ${stored.flushed} spooled run(s) from earlier)` : ''}`,
    );
    return;
  }
  const where = relative(REPO_ROOT, stored.spooled ?? '');
  s.notes.push(
    `Results store unreachable (${stored.error}); the record was spooled to ${where} and is written by the next run that reaches the store.`,
  );
  s.step('record', 'failed', Date.now() - t, `store unreachable: spooled to ${where}`);
}
