/**
 * Step 2, ready: web root, the API's /readyz and the database, polled with backoff until the
 * environment's READY_TIMEOUT. Not ready is an answer, not an error: the run goes on to an
 * INCONCLUSIVE verdict naming the endpoint and its last error.
 */
import { NotReadyError } from '../config/errors.ts';
import { readContract } from '../config/run-contract.ts';
import type { Target } from '../config/target.ts';
import { seleniumRemoteURL, targetProbes, waitUntilReady, webdriverProbe } from '../gate/readiness.ts';
import type { RunConfig } from './config.ts';
import { injectedFailure, unexpected } from './guard.ts';
import type { Untestable } from './rules.ts';
import type { Session } from './session.ts';

export interface ReadyOutcome {
  /** The build being gated: --build (or the expected one), else what the deployment reports. */
  build: string;
  /** Why the environment is not ready; undefined when it is. */
  notReady?: string;
  /** An unplanned error broke the step: the run cannot be tested. */
  untestable?: Untestable;
}

export async function readyStep(
  s: Session,
  config: Pick<RunConfig, 'processEnv' | 'environment' | 'target' | 'build' | 'suites'>,
): Promise<ReadyOutcome> {
  const t = Date.now();
  try {
    injectedFailure('ready', config.processEnv);
    const timeout = (readContract(config.processEnv).readyTimeoutS ?? 0) * 1000 || config.environment.readyTimeoutMs;
    // The Selenium lane runs in the smoke suite; a remote Grid it needs is part of what must be ready.
    const grid = config.suites.includes('smoke') ? seleniumRemoteURL(config.processEnv) : undefined;
    const all = [...targetProbes(config.target), ...(grid ? [webdriverProbe(grid)] : [])];
    const probes = await waitUntilReady(all, timeout, undefined, s.stopWaiting.signal);
    const deployed = await fetchBuild(config.target);
    s.step(
      'ready',
      'ok',
      Date.now() - t,
      `${probes.map((p) => p.name.split(' ')[0]).join(', ')} ready; deployed build ${deployed ?? 'unknown'}`,
    );
    return { build: config.build ?? deployed ?? 'unknown' };
  } catch (e) {
    if (!(e instanceof NotReadyError)) {
      const untestable = unexpected('ready', e);
      s.step('ready', 'failed', Date.now() - t, untestable.message);
      return { build: config.build ?? 'unknown', untestable };
    }
    s.step('ready', 'failed', Date.now() - t, s.interrupted ? `interrupted while waiting for readiness (${s.interrupted})` : e.message);
    return { build: config.build ?? 'unknown', notReady: e.message };
  }
}

/** The build the API says it runs; undefined when it does not say. */
async function fetchBuild(target: Target): Promise<string | undefined> {
  try {
    const res = await fetch(`${target.apiURL}/version`, { signal: AbortSignal.timeout(5_000) });
    return ((await res.json()) as { build?: string }).build;
  } catch {
    return undefined;
  }
}
