/**
 * A realistic run for the promotion report's browser self-test and for looking at the page while
 * changing it: a BLOCK in staging with a new product failure, a recurring one, a flaky and a
 * quarantined test, 19 earlier runs and error text full of HTML and ANSI colours. Deterministic.
 */
import type { Counts, HistoryRun, RunRecord, TestResult, TestStatus, Verdict } from '../gate/types.ts';
import type { ReportContext } from '../reporters/promotion-report/model-types.ts';

const BUILD = '3f2c1a9e5b7d4c2a1f0e9d8c7b6a5f4e3d2c1b0a';
const AT = Date.parse('2026-11-22T07:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();

const SPECS: { project: string; suite: TestResult['suite']; file: string; titles: string[] }[] = [
  {
    project: 'verify',
    suite: 'verify',
    file: 'tests/verify/deployment.spec.ts',
    titles: ['web serves the build', 'API serves the build', 'migrations at head', 'security headers'],
  },
  {
    project: 'smoke-api',
    suite: 'smoke',
    file: 'tests/smoke/api/verify.spec.ts',
    titles: [
      'a genuine tag verifies',
      'a revoked tag says revoked',
      'an unknown tag says unknown',
      'rate limit answers 429',
      'readyz reports the database',
    ],
  },
  {
    project: 'smoke-web',
    suite: 'smoke',
    file: 'tests/smoke/web/verify.spec.ts',
    titles: ['verify a tag from the home page', 'sign in and see the dashboard', 'sign out'],
  },
  {
    project: 'regression',
    suite: 'regression',
    file: 'tests/regression/tags.spec.ts',
    titles: [
      'register a batch of tags',
      'link a tag to an asset',
      'revoke a tag with a reason',
      'audit log lists every change',
      'export tags as CSV',
      'search assets by serial',
      'paginate the tag list',
      'reject a duplicate code',
      'verify history per tag',
      'dashboard counts match the data',
    ],
  },
];

const idOf = (project: string, file: string, title: string) => `${project} › ${file.replace(/^tests\//, '')} › ${title}`;
const LINK_FAIL = idOf('regression', 'tests/regression/tags.spec.ts', 'link a tag to an asset');
const COUNTS_FAIL = idOf('regression', 'tests/regression/tags.spec.ts', 'dashboard counts match the data');
const FLAKY = idOf('smoke-web', 'tests/smoke/web/verify.spec.ts', 'sign in and see the dashboard');
const QUARANTINED = idOf('regression', 'tests/regression/tags.spec.ts', 'export tags as CSV');
const FIXED = idOf('smoke-api', 'tests/smoke/api/verify.spec.ts', 'rate limit answers 429');

const ERRORS: Record<string, string> = {
  [LINK_FAIL]:
    'Error: \u001b[31mexpect(received).toBe(expected)\u001b[39m\n\nExpected: 201\nReceived: 500\n\nPOST /api/tags/TG-8K2M-4Q7P/link → {"error":"<html><body>Internal Server Error</body></html>"}',
  [COUNTS_FAIL]: 'Error: expect(locator).toHaveText(expected)\n\nLocator: getByTestId(\'active-tags\')\nExpected: "1,204"\nReceived: "0"',
  [FLAKY]: "TimeoutError: locator.click: Timeout 5000ms exceeded.\nCall log:\n  - waiting for getByRole('button', { name: 'Sign in' })",
  [QUARANTINED]: 'Error: CSV header is "code;status" — expected "code,status" <see TAG-412>',
};

function results(): TestResult[] {
  let t = AT + 90_000;
  return SPECS.flatMap((s) =>
    s.titles.map((title, i): TestResult => {
      const id = idOf(s.project, s.file, title);
      const failed = id === LINK_FAIL || id === COUNTS_FAIL || id === QUARANTINED;
      const status: TestStatus = failed ? (id === COUNTS_FAIL ? 'timedOut' : 'failed') : 'passed';
      const durationMs = 400 + ((i * 733) % 2900);
      t += durationMs;
      return {
        id,
        project: s.project,
        suite: s.suite,
        file: s.file,
        line: 12 + i * 14,
        titlePath: [s.file.split('/').pop()!.replace('.spec.ts', ''), title],
        tags: [`@${s.suite}`],
        status,
        outcome: failed ? 'unexpected' : id === FLAKY ? 'flaky' : 'expected',
        retries: failed || id === FLAKY ? 1 : 0,
        durationMs,
        startedAt: iso(t),
        ...(ERRORS[id] ? { error: { message: ERRORS[id]! } } : {}),
        attachments:
          failed || id === FLAKY
            ? [{ name: 'trace', contentType: 'application/zip', path: `test-results/${s.project}-${i}/trace.zip` }]
            : [],
      };
    }),
  );
}

function countsOf(rs: TestResult[]): Counts {
  return {
    total: rs.length,
    passed: rs.filter((r) => r.status === 'passed').length,
    failed: rs.filter((r) => (r.status === 'failed' || r.status === 'timedOut') && r.id !== QUARANTINED).length,
    flaky: rs.filter((r) => r.outcome === 'flaky').length,
    skipped: rs.filter((r) => r.status === 'skipped').length,
    quarantined: rs.filter((r) => r.id === QUARANTINED).length,
  };
}

const by = (rs: TestResult[], key: (r: TestResult) => string) =>
  Object.fromEntries([...new Set(rs.map(key))].map((k) => [k, countsOf(rs.filter((r) => key(r) === k))]));

export function sampleRecord(): RunRecord {
  const rs = results();
  const runId = 'tg_20261122070000_k3m9qa';
  return {
    runId,
    environment: 'staging',
    build: BUILD,
    suites: ['verify', 'smoke', 'regression'],
    seed: 4242,
    startedAt: iso(AT),
    finishedAt: iso(AT + 252_000),
    durationMs: 252_000,
    steps: [
      { name: 'config', status: 'ok', durationMs: 40, detail: 'staging from config/environments/staging.env' },
      { name: 'ready', status: 'ok', durationMs: 3_200, detail: 'web, /readyz and the database answered after 2 tries' },
      { name: 'verify', status: 'ok', durationMs: 1_100, detail: `build ${BUILD.slice(0, 10)} on web and API; migrations at 0007` },
      { name: 'seed', status: 'ok', durationMs: 8_400, detail: 'regression profile, seed 4242: 12,480 rows in one transaction' },
      { name: 'suites', status: 'failed', durationMs: 214_000, detail: '22 tests: 2 failed, 1 flaky, 1 quarantined' },
      { name: 'cleanup', status: 'ok', durationMs: 2_300, detail: 'deleted 12,480 rows of this run' },
      { name: 'triage', status: 'ok', durationMs: 90, detail: '4 failures in 4 groups' },
      { name: 'gate', status: 'ok', durationMs: 12, detail: 'BLOCK: critical test failed' },
      { name: 'record', status: 'failed', durationMs: 5_000, detail: 'results store unreachable after 3 tries: spooled' },
      { name: 'publish', status: 'ok', durationMs: 17_800, detail: 'Allure report and promotion report written' },
    ],
    verdict: 'BLOCK',
    reasons: [
      {
        rule: 'critical-failed',
        verdict: 'BLOCK',
        message: 'A critical test failed: linking a tag to an asset returns 500.',
        tests: [LINK_FAIL],
      },
      {
        rule: 'pass-rate',
        verdict: 'BLOCK',
        message: 'Regression pass rate 77.8% (7 of 9, quarantined not counted) is below the required 95%.',
        tests: [LINK_FAIL, COUNTS_FAIL],
      },
      { rule: 'retried', verdict: 'WARN', message: '1 test passed only on a retry.', tests: [FLAKY] },
      {
        rule: 'quarantined',
        verdict: 'WARN',
        message: 'Quarantined until 2026-12-15: CSV export uses ";" (owner data-team, ticket TAG-412).',
        tests: [QUARANTINED],
      },
    ],
    counts: countsOf(rs),
    countsBySuite: by(rs, (r) => r.suite),
    countsByProject: by(rs, (r) => r.project),
    results: rs,
    triage: {
      failures: [
        {
          testId: LINK_FAIL,
          category: 'product',
          rule: 'server-error',
          signature: 'POST /api/tags/<code>/link → <status>',
          novelty: 'new',
        },
        {
          testId: COUNTS_FAIL,
          category: 'product',
          rule: 'assertion',
          signature: 'toHaveText active-tags expected <n> received <n>',
          novelty: 'recurring',
        },
        { testId: FLAKY, category: 'flaky', rule: 'passed-on-retry', signature: 'locator.click timeout Sign in' },
        { testId: QUARANTINED, category: 'known-issue', rule: 'quarantine:TAG-412', signature: 'CSV header is <s> expected <s>' },
      ],
      groups: [
        {
          category: 'product',
          signature: 'POST /api/tags/<code>/link → <status>',
          count: 1,
          tests: [LINK_FAIL],
          novelty: 'new',
          firstSeen: { build: BUILD, runId, at: iso(AT) },
          owner: { team: 'tags-team', slack: '@tags-team' },
          example: ERRORS[LINK_FAIL]!,
        },
        {
          category: 'product',
          signature: 'toHaveText active-tags expected <n> received <n>',
          count: 1,
          tests: [COUNTS_FAIL],
          novelty: 'recurring',
          firstSeen: { build: 'a91b2c3d4e5f60718293a4b5c6d7e8f901234567', runId: 'tg_20261121070000_p2x8bd', at: iso(AT - 86_400_000) },
          owner: { team: 'dashboard', slack: '@dash-devs' },
          example: ERRORS[COUNTS_FAIL]!,
        },
        {
          category: 'flaky',
          signature: 'locator.click timeout Sign in',
          count: 1,
          tests: [FLAKY],
          firstSeen: { build: 'b0c1', runId: 'tg_20261118070000_aa11bb', at: iso(AT - 4 * 86_400_000) },
          example: ERRORS[FLAKY]!,
        },
        {
          category: 'known-issue',
          signature: 'CSV header is <s> expected <s>',
          count: 1,
          tests: [QUARANTINED],
          firstSeen: { build: 'c9d8', runId: 'tg_20261110070000_cc22dd', at: iso(AT - 12 * 86_400_000) },
          owner: { team: 'data-team' },
          example: ERRORS[QUARANTINED]!,
        },
      ],
    },
    target: { webURL: 'https://staging.tagtrust.example', apiURL: 'https://staging.tagtrust.example/api' },
    ci: { provider: 'github', runUrl: 'https://github.com/acme/tagtrust/actions/runs/123456789', actor: 'release-bot' },
    reports: { dir: `reports/${runId}`, allure: `reports/${runId}/allure/index.html` },
  };
}

/** 19 earlier runs, newest first: mostly green, a bad day, and the run just before this one. */
export function sampleContext(record = sampleRecord()): ReportContext {
  const ids = record.results.map((r) => r.id);
  const history: HistoryRun[] = Array.from({ length: 19 }, (_, k) => {
    const ago = k + 1;
    const failing = new Set<string>(ago <= 14 ? [QUARANTINED] : []);
    if (ago === 1 || ago === 2) failing.add(COUNTS_FAIL).add(FIXED);
    if (ago >= 7 && ago <= 8) ids.slice(8, 13).forEach((id) => failing.add(id));
    if (ago % 5 === 0) failing.add(FLAKY);
    const verdict: Verdict = failing.size > 3 || ago <= 2 ? 'BLOCK' : ago === 12 ? 'INCONCLUSIVE' : failing.size ? 'WARN' : 'PROMOTE';
    const rs = Object.fromEntries(
      ids.map((id) => [
        id,
        failing.has(id)
          ? { status: 'failed' as const, outcome: 'unexpected' as const }
          : { status: 'passed' as const, outcome: 'expected' as const },
      ]),
    );
    const failed = ids.filter((id) => failing.has(id)).length;
    return {
      runId: `tg_202611${String(22 - Math.ceil(ago / 2)).padStart(2, '0')}${ago % 2 ? '19' : '07'}0000_h${String(ago).padStart(5, '0')}`,
      environment: 'staging',
      build: ago <= 2 ? 'a91b2c3d4e5f60718293a4b5c6d7e8f901234567' : `b${String(ago).padStart(6, '0')}`,
      verdict,
      startedAt: iso(AT - ago * 12 * 3_600_000),
      durationMs: 190_000 + ((ago * 37_000) % 90_000),
      // An INCONCLUSIVE run never reached the suites: nothing ran.
      counts:
        verdict === 'INCONCLUSIVE'
          ? { total: 0, passed: 0, failed: 0, flaky: 0, skipped: 0, quarantined: 0 }
          : { total: ids.length, passed: ids.length - failed, failed, flaky: 0, skipped: 0, quarantined: failing.has(QUARANTINED) ? 1 : 0 },
      results: verdict === 'INCONCLUSIVE' ? {} : rs,
    };
  });
  return {
    history,
    lastPromoted: history.find((h) => h.verdict === 'WARN' || h.verdict === 'PROMOTE'),
    buildPath: [
      { environment: 'dev', verdict: 'PROMOTE', runId: 'tg_20261122061000_d3v001', at: iso(AT - 50 * 60_000) },
      { environment: 'staging' },
      { environment: 'prod' },
    ],
    allureUrl: 'allure/index.html',
    notes: [
      'Results store unreachable: this run was spooled to .tollgate/spool/tg_20261122070000_k3m9qa.json and will be recorded by the next run.',
    ],
  };
}
