import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Counts, HistoryRun, RunRecord, TestResult, TestStatus, Verdict } from '../gate/types.ts';
import { SchemaError } from '../config/errors.ts';
import {
  MARKDOWN_LIMIT,
  buildReportModel,
  renderHtml,
  renderJson,
  renderMarkdown,
  writePromotionReport,
  type ReportContext,
} from './promotion-report.ts';
import { aResult, aRun } from '../testing/builders.ts';

// ---- a small factory: plain literals, only what each test cares about is spelled out ----

const id = (name: string) => `smoke-api › smoke/api/verify.spec.ts › ${name}`;
const ZERO: Counts = { total: 0, passed: 0, failed: 0, flaky: 0, skipped: 0, quarantined: 0 };

function result(name: string, status: TestStatus = 'passed', extra: Partial<TestResult> = {}): TestResult {
  return aResult({
    id: id(name),
    titlePath: ['verify API', name],
    tags: ['@smoke'],
    status,
    startedAt: '2026-11-22T07:01:00.000Z',
    ...(status === 'failed' || status === 'timedOut' ? { message: `Error: ${name} broke` } : {}),
    ...extra,
  });
}

function record(results: TestResult[], extra: Partial<RunRecord> = {}): RunRecord {
  return aRun({
    steps: [{ name: 'suites', status: 'ok', durationMs: 200_000, detail: 'ran the suites' }],
    counts: { ...ZERO, total: results.length },
    results,
    target: { webURL: 'http://127.0.0.1:18080', apiURL: 'http://127.0.0.1:18081' },
    ...extra,
  });
}

function history(runId: string, statuses: Record<string, TestStatus>, extra: Partial<HistoryRun> = {}): HistoryRun {
  return {
    runId,
    environment: 'staging',
    build: `b-${runId}`,
    verdict: 'PROMOTE',
    startedAt: '2026-11-21T07:00:00.000Z',
    durationMs: 200_000,
    counts: ZERO,
    results: Object.fromEntries(
      Object.entries(statuses).map(([name, status]) => [id(name), { status, outcome: status === 'passed' ? 'expected' : 'unexpected' }]),
    ),
    ...extra,
  };
}

const ctx = (extra: Partial<ReportContext> = {}): ReportContext => ({
  history: [],
  buildPath: [{ environment: 'dev' }, { environment: 'staging' }, { environment: 'prod' }],
  ...extra,
});
const names = (tests: { id: string }[]) => tests.map((t) => t.id.split(' › ').at(-1));
const withTemp = (fn: (dir: string) => void) => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-promotion-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

// ---- the verdict and its reasons ----

test('the verdict leads the page and the summary, coloured by verdict, with its reasons in words', () => {
  const r = record([result('a genuine tag', 'failed')], {
    verdict: 'BLOCK',
    reasons: [
      {
        rule: 'critical-failed',
        verdict: 'BLOCK',
        message: 'A critical test failed: verifying a genuine tag.',
        tests: [id('a genuine tag')],
      },
    ],
  });
  const model = buildReportModel(r, ctx());
  const html = renderHtml(model);
  assert.match(html, /<header class="banner v-block">\s*<div class="verdict" data-testid="verdict">BLOCK<\/div>/);
  assert.match(html, /A critical test failed: verifying a genuine tag\./);
  assert.match(html, /<code class="rule">critical-failed<\/code>/);
  assert.match(model.headline, /^Do not promote build 3f2c1a9: A critical test failed/);
  const md = renderMarkdown(model);
  assert.match(md.split('\n')[0]!, /^## 🔴 BLOCK — staging · build `3f2c1a9`$/);
  assert.match(
    md,
    /- 🔴 \*\*A critical test failed: verifying a genuine tag\.\*\* `critical-failed` — smoke-api › verify API › a genuine tag/,
  );
  // The verdict comes before anything else the reader could get lost in.
  assert.ok(md.indexOf('### Why') < md.indexOf('### What changed'));
  assert.ok(html.indexOf('class="card why"') < html.indexOf('New since the last run'));
});

test('the headline names the next environment for a promotable build, and INCONCLUSIVE says the environment could not be tested', () => {
  const promote = buildReportModel(record([result('a')]), ctx());
  assert.equal(promote.nextEnvironment, 'prod');
  assert.equal(promote.headline, 'Ship it: build 3f2c1a9 passed in staging and may be promoted to prod.');
  const inconclusive = buildReportModel(
    record([], {
      verdict: 'INCONCLUSIVE',
      reasons: [{ rule: 'not-ready', verdict: 'INCONCLUSIVE', message: 'web not ready after 120 s.', tests: [] }],
    }),
    ctx(),
  );
  assert.equal(
    inconclusive.headline,
    'Staging could not be tested, so build 3f2c1a9 has no verdict: web not ready after 120 s. Run again when the environment is ready.',
  );
  assert.match(renderHtml(inconclusive), /class="banner v-inconclusive"/);
});

test('an INCONCLUSIVE run whose runner failed says so, and its failures carry the infrastructure category', () => {
  const crashed = result('a', 'failed', { error: { message: 'Error: worker process exited unexpectedly (code=null, signal=SIGKILL)' } });
  const model = buildReportModel(
    record([crashed], {
      verdict: 'INCONCLUSIVE',
      reasons: [
        {
          rule: 'infrastructure',
          verdict: 'INCONCLUSIVE',
          message: 'The test runner failed, not the build: 1 failure of the runner. Run again.',
          tests: [crashed.id],
        },
      ],
      triage: {
        failures: [
          { testId: crashed.id, category: 'infrastructure', rule: 'runner-crashed', signature: 'worker process exited unexpectedly' },
        ],
        groups: [
          {
            category: 'infrastructure',
            signature: 'worker process exited unexpectedly',
            count: 1,
            tests: [crashed.id],
            firstSeen: { build: '3f2c1a9', runId: 'r', at: '2026-11-22T07:00:00Z' },
            example: 'worker process exited unexpectedly',
          },
        ],
      },
    }),
    ctx(),
  );
  assert.match(
    model.headline,
    /^The test runner failed, so build 3f2c1a9 has no verdict in staging: The test runner failed, not the build/,
  );
  const html = renderHtml(model);
  assert.match(html, /chip cat cat-infrastructure">infrastructure</);
});

test("the build path shows this run's verdict in this environment, whatever the caller passed for it", () => {
  const model = buildReportModel(
    record([], { verdict: 'WARN' }),
    ctx({
      buildPath: [
        { environment: 'dev', verdict: 'PROMOTE' },
        { environment: 'staging', verdict: 'BLOCK', runId: 'older' },
        { environment: 'prod' },
      ],
    }),
  );
  assert.deepEqual(
    model.buildPath.map((s) => [s.environment, s.verdict, s.current]),
    [
      ['dev', 'PROMOTE', false],
      ['staging', 'WARN', true],
      ['prod', undefined, false],
    ],
  );
  assert.equal(model.buildPath[1]!.runId, 'tg_20261122070000_abcdef');
  assert.match(renderMarkdown(model), /\*\*Path:\*\* dev 🟢 PROMOTE → \*\*staging 🟠 WARN\*\* → prod · not yet/);
});

// ---- new, fixed, flaky, quarantined ----

test('new and fixed are computed against the last run and the last promoted run', () => {
  const now = record([
    result('broke now', 'failed'), // passed last time: new
    result('still broken', 'failed'), // failed last time too: not new
    result('timed out', 'timedOut'), // a timeout is a failure; absent last time: new
    result('got fixed', 'passed'), // failed last time: fixed
    result('was skipped', 'failed'), // skipped last time: neither passed nor absent, so not new
    result('cut off', 'interrupted'), // did not run: neither a failure nor a fix
    result('broke since promotion', 'failed'),
  ]);
  const last = history('tg_last', {
    'broke now': 'passed',
    'still broken': 'failed',
    'got fixed': 'failed',
    'was skipped': 'skipped',
    'cut off': 'passed',
    'broke since promotion': 'failed',
  });
  const promoted = history(
    'tg_promoted',
    { 'broke now': 'passed', 'still broken': 'failed', 'timed out': 'passed', 'broke since promotion': 'passed' },
    { verdict: 'WARN' },
  );
  const model = buildReportModel(now, ctx({ history: [last, promoted], lastPromoted: promoted }));
  assert.deepEqual(names(model.newSinceLastRun), ['broke now', 'timed out']);
  assert.deepEqual(names(model.newSinceLastPromoted), ['broke now', 'timed out', 'broke since promotion']);
  assert.deepEqual(names(model.fixed), ['got fixed']);
  assert.deepEqual(names(model.failures), ['broke now', 'still broken', 'timed out', 'was skipped', 'broke since promotion']);
  assert.equal(model.previousRun?.runId, 'tg_last');
  assert.equal(model.lastPromoted?.runId, 'tg_promoted');
});

test('without history every failure is new, nothing is fixed, and there is no promoted build to compare with', () => {
  const model = buildReportModel(record([result('a', 'failed'), result('b')]), ctx());
  assert.deepEqual(names(model.newSinceLastRun), ['a']);
  assert.deepEqual(model.fixed, []);
  assert.deepEqual(model.newSinceLastPromoted, []);
  assert.match(renderMarkdown(model), /\*\*New since the last promoted build:\*\* no promoted build to compare with/);
});

test("flaky joins Playwright's flaky outcome with triage's flaky groups, once each; quarantined shows the owner and ticket from the gate's reason", () => {
  const r = record(
    [result('retried', 'passed', { outcome: 'flaky', retries: 1 }), result('flip-flops', 'failed'), result('csv export', 'failed')],
    {
      verdict: 'WARN',
      reasons: [
        {
          rule: 'quarantined',
          verdict: 'WARN',
          message: 'Quarantined until 2026-12-15 (owner data-team, ticket TAG-412).',
          tests: [id('csv export')],
        },
      ],
      triage: {
        failures: [
          { testId: id('retried'), category: 'flaky', rule: 'passed-on-retry', signature: 's1' },
          { testId: id('flip-flops'), category: 'flaky', rule: 'history-flips', signature: 's2' },
          { testId: id('csv export'), category: 'known-issue', rule: 'quarantine:TAG-412', signature: 's3' },
        ],
        groups: [
          {
            category: 'flaky',
            signature: 's2',
            count: 1,
            tests: [id('flip-flops')],
            firstSeen: { build: 'x', runId: 'r', at: '2026-11-01T00:00:00Z' },
            example: 'boom',
          },
          {
            category: 'known-issue',
            signature: 's3',
            count: 1,
            tests: [id('csv export')],
            firstSeen: { build: 'x', runId: 'r', at: '2026-11-01T00:00:00Z' },
            owner: { team: 'data-team', slack: '@data' },
            example: 'csv',
          },
        ],
      },
    },
  );
  const model = buildReportModel(r, ctx());
  assert.deepEqual(names(model.flaky), ['retried', 'flip-flops']);
  assert.equal(model.quarantined.length, 1);
  assert.equal(model.quarantined[0]!.note, 'Quarantined until 2026-12-15 (owner data-team, ticket TAG-412).');
  assert.equal(model.quarantined[0]!.test.owner, 'data-team (@data)');
  assert.match(renderHtml(model), /ticket TAG-412/);
  assert.match(
    renderMarkdown(model),
    /\*\*Quarantined \(1\)\*\*:\n\n- \*\*smoke-api\*\* › verify API › csv export .* — Quarantined until 2026-12-15 \(owner data-team, ticket TAG-412\)\./,
  );
});

// ---- untrusted text ----

test('HTML and ANSI in an error message are shown as text, never run', () => {
  const message =
    'Error: \u001b[31mboom\u001b[39m <script>alert("x")</script> <img src="http://evil.example/x.png" onerror="x()"> url(http://evil.example/f.woff)';
  const r = record([result('a', 'failed', { error: { message } })], {
    verdict: 'BLOCK',
    reasons: [{ rule: 'critical-failed', verdict: 'BLOCK', message: '<b>critical</b> failed', tests: [id('a')] }],
    triage: {
      failures: [],
      groups: [
        {
          category: 'product',
          signature: '<script>sig</script>',
          count: 1,
          tests: [id('a')],
          firstSeen: { build: 'b', runId: 'r', at: '2026-11-01T00:00:00Z' },
          example: message,
        },
      ],
    },
  });
  const model = buildReportModel(r, ctx());
  const html = renderHtml(model);
  assert.doesNotMatch(html, /<script|<img|<b>critical/);
  assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
  assert.doesNotMatch(html, /\u001b/);
  assert.match(html, /boom &lt;script&gt;/, 'the colour codes are gone, the text stays');
  const md = renderMarkdown(model);
  assert.doesNotMatch(md, /\u001b|<script|<img/);
  assert.match(md, /&lt;script&gt;/);
});

test('the HTML loads nothing: no http(s) URL in src, href or url(), except plain <a href> links', () => {
  const r = record(
    [
      result('a', 'failed', {
        error: {
          message:
            '<img src="https://evil.example/x.png"> <link href="http://evil.example/s.css"> style="background:url(https://evil.example/b.png)"',
        },
        attachments: [{ name: 'trace', contentType: 'application/zip', path: 'test-results/a/trace.zip' }],
      }),
    ],
    {
      ci: { provider: 'github', runUrl: 'https://github.com/acme/tagtrust/actions/runs/1' },
    },
  );
  const html = renderHtml(buildReportModel(r, ctx({ allureUrl: 'allure/index.html' })));
  const attrs = [...html.matchAll(/<(\w+)\b[^>]*?\b(src|href)\s*=\s*["']?\s*(https?:[^"'\s>]*)/gi)];
  assert.deepEqual(
    attrs.filter((m) => !(m[1]!.toLowerCase() === 'a' && m[2]!.toLowerCase() === 'href')).map((m) => m[0]),
    [],
  );
  // CSS is where url() loads: the <style> block and style attributes. In text, escaped, it is only text.
  const css = [...html.matchAll(/<style>([\s\S]*?)<\/style>|\sstyle="([^"]*)"/g)].map((m) => m[1] ?? m[2]).join('\n');
  assert.ok(css.length > 1000, 'the stylesheet was found');
  assert.doesNotMatch(css, /url\(/i);
  assert.doesNotMatch(html, /<script|<link|@import|@font-face/i);
  assert.deepEqual(
    attrs.map((m) => m[3]),
    ['https://github.com/acme/tagtrust/actions/runs/1'],
    'the CI run is the one web link',
  );
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
});

test('links are relative to the report directory, and only web or relative links are made', () => {
  const r = record([
    result('a', 'failed', {
      attachments: [
        { name: 'trace', contentType: 'application/zip', path: 'test-results/smoke a/trace.zip' },
        { name: 'screenshot', contentType: 'image/png', path: 'test-results/a/shot.png' },
      ],
    }),
  ]);
  const model = buildReportModel(r, ctx({ allureUrl: 'allure/index.html' }));
  assert.deepEqual(model.links.traces, [{ testId: id('a'), path: 'test-results/smoke a/trace.zip' }]);
  const html = renderHtml(model);
  assert.match(html, /href="\.\.\/\.\.\/test-results\/smoke%20a\/trace\.zip"/);
  assert.match(html, /href="allure\/index\.html">Allure report</);
  // latest/ sits beside the run's directory: its link to the run's Allure report goes through it.
  assert.match(renderHtml({ ...model, reportDir: 'reports/latest' }), /href="\.\.\/tg_20261122070000_abcdef\/allure\/index\.html"/);
  const hostile = renderHtml(
    buildReportModel(record([], { ci: { provider: 'x', runUrl: 'javascript:alert(1)' } }), ctx({ allureUrl: 'javascript:alert(2)' })),
  );
  assert.doesNotMatch(hostile, /javascript:/);
});

test('Markdown escapes table pipes and caps long lists with "…and N more", staying under 1 MiB', () => {
  const many = Array.from({ length: 100 }, (_, i) =>
    result(`test ${i} | with a pipe`, 'failed', { error: { message: `Error: ${'x'.repeat(50_000)}` } }),
  );
  const r = record(many, {
    verdict: 'BLOCK',
    reasons: [{ rule: 'pass-rate', verdict: 'BLOCK', message: `pass rate | 0% ${'y'.repeat(2_000_000)}`, tests: many.map((t) => t.id) }],
    triage: {
      failures: [],
      groups: many.slice(0, 30).map((t, i) => ({
        category: 'product' as const,
        signature: `sig|${i}`,
        count: 1,
        tests: [t.id],
        firstSeen: { build: 'b', runId: 'r', at: '2026-11-01T00:00:00Z' },
        example: 'a | b\nc | d',
      })),
    },
    countsBySuite: { 'smoke|x': { ...ZERO, total: 100, failed: 100 } },
  });
  const md = renderMarkdown(buildReportModel(r, ctx()));
  assert.ok(Buffer.byteLength(md) < MARKDOWN_LIMIT, `${Buffer.byteLength(md)} bytes`);
  assert.match(md, /test 0 \\\| with a pipe/);
  assert.match(md, /- …and 85 more/, 'a list of 100 shows 15');
  assert.match(md, /…and 10 more groups/);
  // Every row of every table has as many unescaped cell separators as its header.
  const tables = md
    .split('\n\n')
    .map((b) => b.split('\n').filter((l) => l.startsWith('|')))
    .filter((rows) => rows.length);
  assert.ok(tables.length >= 2);
  for (const rows of tables) {
    const cells = (l: string) => l.replace(/\\\|/g, '').split('|').length;
    for (const row of rows) assert.equal(cells(row), cells(rows[0]!), row.slice(0, 120));
  }
});

// ---- trend ----

test('the trend has one point per run, this one last, at most 20', () => {
  const runs = (n: number) =>
    Array.from({ length: n }, (_, i) =>
      history(`tg_${String(i).padStart(2, '0')}`, { a: i % 3 ? 'passed' : 'failed', b: 'passed' }, { durationMs: 1000 * (i + 1) }),
    );
  const few = buildReportModel(record([result('a'), result('b', 'failed')]), ctx({ history: runs(3) }));
  assert.deepEqual(
    few.trend.map((p) => p.runId),
    ['tg_02', 'tg_01', 'tg_00', 'tg_20261122070000_abcdef'],
    'oldest left',
  );
  assert.deepEqual(
    few.trend.map((p) => p.passRate),
    [100, 100, 50, 50],
  );
  assert.equal((renderHtml(few).match(/<circle class="pt /g) ?? []).length, 4);

  const many = buildReportModel(record([result('a')]), ctx({ history: runs(30) }));
  assert.equal(many.trend.length, 20);
  assert.equal(many.trend[0]!.runId, 'tg_18');
  assert.ok(many.trend.at(-1)!.current);
  assert.equal((renderHtml(many).match(/<circle class="pt /g) ?? []).length, 20);
  assert.match(renderMarkdown(many), /last 20 runs, oldest first\): `[▁-█·]{20}`/);
});

test('a run where nothing ran has no pass rate, in the trend and the totals', () => {
  const model = buildReportModel(
    record([result('a', 'skipped'), result('b', 'interrupted')], { verdict: 'INCONCLUSIVE' }),
    ctx({ history: [history('tg_x', {}, { counts: { ...ZERO, total: 4, skipped: 1, failed: 1 } })] }),
  );
  assert.equal(model.passRate, null);
  assert.deepEqual(
    model.trend.map((p) => p.passRate),
    [(100 * 2) / 3, null],
    'a history run without results falls back to its counts',
  );
  assert.match(renderHtml(model), /<circle class="pt v-inconclusive current none"/);
});

// ---- files ----

test('writes the three files and replaces latest/ wholesale, leaving no temporary directory', () =>
  withTemp((root) => {
    mkdirSync(join(root, 'latest'));
    writeFileSync(join(root, 'latest', 'stale.txt'), 'from an older run');
    const first = writePromotionReport(record([result('a')]), ctx(), root);
    assert.equal(first.dir, join(root, 'tg_20261122070000_abcdef'));
    for (const f of [first.html, first.markdown, first.json]) assert.ok(existsSync(f), f);
    assert.deepEqual(
      readdirSync(join(root, 'latest')).sort(),
      ['index.html', 'report.json', 'summary.md'],
      'latest/ is replaced, not merged into',
    );

    const second = record([result('a', 'failed')], { runId: 'tg_20261122080000_fedcba', verdict: 'BLOCK' });
    writePromotionReport(second, ctx(), root);
    const latest = JSON.parse(readFileSync(join(root, 'latest', 'report.json'), 'utf8'));
    assert.equal(latest.run.runId, 'tg_20261122080000_fedcba');
    assert.equal(latest.verdict, 'BLOCK');
    assert.equal(
      readFileSync(join(root, 'latest', 'summary.md'), 'utf8'),
      readFileSync(join(root, second.runId, 'summary.md'), 'utf8').replace(second.runId + '/index.html', 'latest/index.html'),
    );
    assert.ok(existsSync(join(root, 'tg_20261122070000_abcdef', 'index.html')), 'the older run keeps its report');
    assert.deepEqual(
      readdirSync(root).filter((n) => n.startsWith('.')),
      [],
      'no temporary directory is left behind',
    );
  }));

test('the JSON is the model, and a run id that is not a directory name is refused', () =>
  withTemp((root) => {
    const model = buildReportModel(record([result('a', 'failed')]), ctx());
    assert.deepEqual(JSON.parse(renderJson(model)), JSON.parse(JSON.stringify(model)));
    assert.equal(JSON.parse(renderJson(model)).schema, 'tollgate.promotion-report/1');
    for (const runId of ['../escape', 'latest', '']) {
      assert.throws(() => writePromotionReport(record([], { runId }), ctx(), root), SchemaError, runId);
    }
    assert.deepEqual(readdirSync(root), []);
  }));

test('counts per suite and project carry their own pass rate', () => {
  const results = [result('a'), result('b', 'failed'), result('c', 'passed', { suite: 'regression', project: 'regression' })];
  const verdict: Verdict = 'BLOCK';
  const model = buildReportModel(
    record(results, {
      verdict,
      countsBySuite: { smoke: { ...ZERO, total: 2, passed: 1, failed: 1 }, regression: { ...ZERO, total: 1, passed: 1 } },
      countsByProject: { 'smoke-api': { ...ZERO, total: 2, passed: 1, failed: 1 }, regression: { ...ZERO, total: 1, passed: 1 } },
    }),
    ctx(),
  );
  assert.deepEqual(
    model.bySuite.map((r) => [r.name, r.passRate]),
    [
      ['smoke', 50],
      ['regression', 100],
    ],
  );
  assert.deepEqual(
    model.byProject.map((r) => [r.name, r.passRate]),
    [
      ['smoke-api', 50],
      ['regression', 100],
    ],
  );
  assert.match(renderMarkdown(model), /\| smoke \| 2 \| 1 \| 1 \| 0 \| 0 \| 0 \| 50% \|/);
});
