/** Latency figures for the product's budget checks: pure, so they are tested with plain numbers. */

/** The nearest-rank percentile (p in 0..100) of `samples`. */
export function percentile(samples: number[], p: number): number {
  if (samples.length === 0) throw new Error('percentile of no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * How many of `n` samples may exceed the budget before the p95 must too. Sampling can stop
 * once one more is over: the outcome is decided, and a 3 s endpoint would otherwise cost minutes.
 */
export const allowedOverBudget = (n: number) => n - Math.ceil(0.95 * n);

export interface LatencyReport {
  endpoint: string;
  samples: number;
  p50: number;
  p95: number;
  max: number;
  budgetMs: number;
  stoppedEarly: boolean;
  timesMs: number[];
}

export function report(endpoint: string, timesMs: number[], budgetMs: number, plannedSamples: number): LatencyReport {
  const round = (n: number) => Math.round(n * 10) / 10;
  return {
    endpoint,
    samples: timesMs.length,
    budgetMs,
    stoppedEarly: timesMs.length < plannedSamples,
    p50: round(percentile(timesMs, 50)),
    p95: round(percentile(timesMs, 95)),
    max: round(Math.max(...timesMs)),
    timesMs: timesMs.map(round),
  };
}

/** A positive number from the environment, or the default; a bad value is a user's mistake, said plainly. */
export function positiveEnv(name: string, fallback: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0)
    throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}. Unset it to use ${fallback}.`);
  return n;
}
