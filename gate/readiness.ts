/**
 * Is the environment ready to be tested? Web root, API /readyz and the database are polled
 * with exponential backoff (p-retry) until all answer or the deadline passes; then the error
 * names the endpoint that was not ready and its last error — one clear "not ready", not a
 * wall of failing tests.
 */
import pRetry, { AbortError } from 'p-retry';
import { NotReadyError } from '../config/errors.ts';
import type { Target } from '../config/target.ts';
import { describeFetchError } from '../lib/http.ts';
import { connect } from '../seed/db.ts';

export interface Probe {
  name: string;
  /** Resolves when ready; throws with the reason otherwise. */
  check: (signal: AbortSignal) => Promise<void>;
}

export interface ProbeResult {
  name: string;
  ready: boolean;
  attempts: number;
  ms: number;
  lastError?: string;
}

/** `stop` ends the wait at once (Ctrl-C): every probe not yet ready reports `stopped`. */
export async function waitUntilReady(
  probes: Probe[],
  deadlineMs: number,
  now = () => Date.now(),
  stop?: AbortSignal,
): Promise<ProbeResult[]> {
  const start = now();
  const results = await Promise.all(
    probes.map(async (p): Promise<ProbeResult> => {
      let attempts = 0;
      let lastError: string | undefined;
      try {
        await pRetry(
          async () => {
            attempts++;
            const left = deadlineMs - (now() - start);
            if (left <= 0) throw new AbortError(lastError ?? 'deadline passed');
            // At least a second per attempt: a last attempt squeezed into the deadline's final
            // milliseconds would only report its own abort instead of the endpoint's answer.
            const timeout = Math.max(1_000, Math.min(10_000, left));
            try {
              await p.check(AbortSignal.timeout(timeout));
            } catch (e) {
              const aborted = (e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError';
              lastError = aborted ? `no answer within ${timeout} ms` : (e as Error).message;
              throw e;
            }
          },
          {
            retries: 1_000,
            factor: 1.6,
            minTimeout: 100,
            maxTimeout: 5_000,
            maxRetryTime: deadlineMs,
            signal: stop,
          },
        );
        return { name: p.name, ready: true, attempts, ms: now() - start };
      } catch {
        return {
          name: p.name,
          ready: false,
          attempts,
          ms: now() - start,
          lastError: stop?.aborted ? `stopped (${lastError ?? 'no answer yet'})` : lastError,
        };
      }
    }),
  );
  const failed = results.filter((r) => !r.ready);
  if (failed.length) {
    throw new NotReadyError(
      `Environment not ready after ${Math.round(deadlineMs / 1000)} s: ${failed.map((f) => `${f.name} (${f.attempts} attempts, last error: ${f.lastError})`).join('; ')}.`,
      { hint: 'Check the deployment of what is named above; the suites were not started.', results },
    );
  }
  return results;
}

/** An HTTP endpoint that must answer 200; for /readyz the body's reason is the error. */
export function httpProbe(name: string, url: string): Probe {
  return {
    name: `${name} ${url}`,
    check: async (signal) => {
      let res: Response;
      try {
        res = await fetch(url, { signal, redirect: 'manual' });
      } catch (e) {
        if ((e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError') throw e;
        throw new Error(describeFetchError(e), { cause: e });
      }
      const body = await res.text();
      if (res.status !== 200) {
        let reason = body.slice(0, 200);
        try {
          reason = (JSON.parse(body) as { reason?: string }).reason ?? reason;
        } catch {
          /* not JSON */
        }
        throw new Error(`HTTP ${res.status}${reason ? `: ${reason}` : ''}`);
      }
    },
  };
}

/** What "ready" means for a target: web root, API /readyz and, when Tollgate has its URL, the database. */
export function targetProbes(target: Target): Probe[] {
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
  return probes;
}

/** The Selenium lane's endpoint when the run sends it to a Grid (or any remote WebDriver). */
export function seleniumRemoteURL(env: NodeJS.ProcessEnv): string | undefined {
  return (env.TOLLGATE_SELENIUM_REMOTE_URL || env.SELENIUM_REMOTE_URL)?.trim() || undefined;
}

/**
 * A WebDriver endpoint is ready when its /status says so (W3C: `value.ready`); a Grid says it
 * only while a node can take a session. Down or full until the deadline: not ready, so the
 * verdict is INCONCLUSIVE, never a failing test blamed on the build.
 */
export function webdriverProbe(url: string): Probe {
  const status = `${url.replace(/\/+$/, '')}/status`;
  return {
    name: `selenium ${status}`,
    check: async (signal) => {
      let res: Response;
      try {
        res = await fetch(status, { signal });
      } catch (e) {
        if ((e as Error).name === 'TimeoutError' || (e as Error).name === 'AbortError') throw e;
        throw new Error(describeFetchError(e), { cause: e });
      }
      const body = (await res.json().catch(() => ({}))) as { value?: { ready?: boolean; message?: string } };
      if (body.value?.ready !== true) throw new Error(`HTTP ${res.status}: ${body.value?.message ?? 'not ready'}`);
    },
  };
}
