/**
 * Triage at scale: 10,000 failed results made from the real captured messages
 * (gate/triage.fixtures.json), with their ids, codes, run ids, ports and numbers varied as
 * other runs would vary them, against 20 runs of history. The time is one cold call of
 * `triage()`, the figure the issue's "under 1 s" is about. The last line is the summary.
 */
import { classifyErrors, loadOwners, signatureOf, triage } from '../../gate/triage.ts';
import type { HistoryRun, TestResult, TestStatus } from '../../gate/types.ts';
import { loadTriageFixtures } from '../../testing/triage-fixtures.ts';
import { categoryOfRecord, loadWorldCorpus, recordPasses } from '../../testing/triage-world.ts';
import { aResult } from '../../testing/builders.ts';
import { DEFAULT_POLICY } from '../../config/policy.ts';

const RESULTS = 10_000;
const HISTORY_RUNS = 20;
const AREAS = ['tags', 'assets', 'users', 'audit', 'verifications', 'links', 'dashboard', 'search']; // more causes than fixtures

const fixtures = loadTriageFixtures();

// A seeded generator: the same input every time, so runs of the bench compare.
let state = 0x2545f491;
const rand = (n: number) => (state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) % n;
const pick = <T>(xs: readonly T[]) => xs[rand(xs.length)]!;
const B32 = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const code = () =>
  `TT-${Array.from({ length: 8 }, () => pick([...B32]))
    .join('')
    .replace(/^(.{4})/, '$1-')}-${pick([...B32])}`;
const runId = () =>
  `tg_2026112${rand(10)}0${rand(10)}${String(rand(60)).padStart(2, '0')}${String(rand(60)).padStart(2, '0')}_${Array.from({ length: 6 }, () => pick([...'abcdefghijklmnopqrstuvwxyz0123456789'])).join('')}`;

/** The same failure as another run would word it: other codes, run ids, ports and numbers. */
function vary(message: string, area: string | undefined): string {
  let m = message
    .replace(/TT-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]/g, code)
    .replace(/tg_\d{14}_[a-z0-9]{6}/g, runId)
    .replace(/127\.0\.0\.1:\d+/g, () => `127.0.0.1:${19000 + rand(900)}`)
    .replace(/\b\d{4,}\b/g, (d) => String(Number(d) + rand(500)));
  if (area) m = m.replace(/^([^\n]*)/, `$1 (${area})`);
  return m;
}

const results: TestResult[] = [];
for (let i = 0; i < RESULTS; i++) {
  const f = fixtures[i % fixtures.length]!;
  const area = f.expectedCategory === 'product' || f.expectedCategory === 'automation' ? pick(AREAS) : undefined;
  results.push({
    id: `${f.test} [${Math.floor(i / fixtures.length)}]`,
    project: f.project,
    suite: f.project.startsWith('smoke') ? 'smoke' : 'regression',
    file: f.file,
    line: 1 + rand(400),
    titlePath: [...f.titlePath.slice(0, -1), `${f.titlePath.at(-1)} [${Math.floor(i / fixtures.length)}]`],
    tags: [],
    status: f.status,
    outcome: 'unexpected',
    retries: rand(2),
    durationMs: rand(30_000),
    startedAt: new Date(Date.UTC(2026, 10, 22, 9) + i * 50).toISOString(),
    error: { message: vary(f.message, area), ...(f.stack ? { stack: f.stack } : {}) },
    attachments: [],
  });
}

// History: each past run ran every test; a few in ten failed, a few flip.
const statuses: TestStatus[] = ['passed', 'passed', 'passed', 'passed', 'passed', 'passed', 'failed', 'passed', 'skipped', 'failed'];
const history: HistoryRun[] = Array.from({ length: HISTORY_RUNS }, (_, k) => ({
  runId: runId(),
  environment: 'staging',
  build: `build${k}`,
  verdict: 'BLOCK',
  startedAt: new Date(Date.UTC(2026, 10, 21, 9) - k * 3_600_000).toISOString(),
  durationMs: 600_000,
  counts: { total: RESULTS, passed: 0, failed: 0, flaky: 0, skipped: 0, quarantined: 0 },
  results: Object.fromEntries(
    results.map((r) => {
      const status = pick(statuses);
      return [
        r.id,
        {
          status,
          outcome: status === 'passed' ? 'expected' : 'unexpected',
          ...(status === 'failed' ? { signature: signatureOf(r.error!.message) } : {}),
        },
      ];
    }),
  ),
}));

const owners = loadOwners();
const quarantined = new Set(results.filter((_, i) => i % 997 === 0).map((r) => r.id));
const ctx = {
  runId: 'tg_20261122090000_bench0',
  build: 'bench',
  at: '2026-11-22T09:00:00.000Z',
  owners,
  policy: { flakyFlips: 3, flakyWindow: 10 },
  quarantined: (id: string) =>
    quarantined.has(id) ? { test: id, reason: 'bench', owner: '@qa', ticket: 'QA-1', expires: '2099-01-01' } : undefined,
};

const t0 = performance.now();
const out = triage(results, history, ctx);
const cold = (performance.now() - t0) / 1000;
const warm: number[] = [];
for (let i = 0; i < 3; i++) {
  const t = performance.now();
  triage(results, history, ctx);
  warm.push(performance.now() - t);
}

const byCategory = new Map<string, number>();
for (const f of out.failures) byCategory.set(f.category, (byCategory.get(f.category) ?? 0) + 1);
console.log(
  `history: ${HISTORY_RUNS} runs × ${RESULTS} tests; ${new Set(results.map((r) => r.error!.message)).size} distinct messages from ${fixtures.length} captured ones`,
);
console.log(
  `categories: ${[...byCategory]
    .sort((a, b) => b[1] - a[1])
    .map(([c, k]) => `${c} ${k}`)
    .join(', ')}`,
);
console.log(
  `largest groups: ${out.groups
    .slice(0, 3)
    .map((g) => `${g.count}× ${g.category} "${g.signature.slice(0, 60)}"`)
    .join('; ')}`,
);
console.log(`warm: ${warm.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}; cold ${((cold * 1e6) / RESULTS).toFixed(1)} µs per result`);
console.log(`triage: ${out.failures.length} results in ${cold.toFixed(3)} s, ${out.groups.length} groups`);

// Accuracy: the real-world corpus (nobody here chose it) and the captured fixtures, each record
// against the category decided for it before the rules ran.
const world = loadWorldCorpus();
const worldOk = world.filter((r) => recordPasses(r, categoryOfRecord(r))).length;
const capturedOk = fixtures.filter((f) => {
  const result = aResult({
    project: f.project,
    file: f.file,
    titlePath: f.titlePath,
    status: f.status,
    error: { message: f.message, ...(f.stack ? { stack: f.stack } : {}) },
  });
  return classifyErrors(result, { quarantine: undefined, flips: 0, policy: DEFAULT_POLICY }).rule.category === f.expectedCategory;
}).length;
console.log(`triage-accuracy: ${worldOk}/${world.length} real-world, ${capturedOk}/${fixtures.length} captured`);
