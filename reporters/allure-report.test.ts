/** The report build with the real Allure 3 CLI on a small hand-made results directory. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../config/errors.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { CATEGORY_NAMES, UNTRIAGED } from './allure/categories.ts';
import { historyFile } from './allure/setup.ts';
import { LABEL } from './allure/labels.ts';
import { triageWithoutHistory } from '../gate/triage-file.ts';
import { allureConfig, buildAllureReport, environmentOf, HISTORY_KEEP, latestRun, pruneHistory, reportName } from './allure-report.ts';
import { externalLoads } from './allure-offline.ts';

const RUN = 'tg_20261122080000_abcdef';
const FILE = 'smoke/api/api.spec.ts';
const cases = [
  { title: 'reads the stats', status: 'failed', message: 'Error: apiRequestContext.get: connect ECONNREFUSED 127.0.0.1:19701' },
  {
    title: 'verify tells tags apart',
    status: 'failed',
    message: 'Error: verify of revoked tag TT-1\n\nExpected: "revoked"\nReceived: "genuine"',
  },
  { title: 'signs in', status: 'passed', message: undefined },
];
const idOf = (title: string) => `smoke-api › ${FILE} › API journeys › ${title}`;

function writeRun(reports: string, runId: string): string {
  const results = join(reports, runId, 'allure-results');
  mkdirSync(results, { recursive: true });
  cases.forEach((c, i) => {
    writeFileSync(
      join(results, `0000000${i}-result.json`),
      JSON.stringify({
        uuid: `0000000${i}`,
        historyId: `h${i}`,
        testCaseId: `t${i}`,
        name: c.title,
        fullName: `${FILE} › API journeys › ${c.title}`,
        status: c.status,
        statusDetails: c.message ? { message: c.message, trace: `${c.message}\n    at tests/${FILE}:10:5` } : {},
        stage: 'finished',
        start: 1795334400000 + i * 1000,
        stop: 1795334400500 + i * 1000,
        labels: [
          { name: 'parentSuite', value: 'smoke-api' },
          { name: 'suite', value: FILE },
          { name: 'subSuite', value: 'API journeys' },
        ],
        links: [],
        parameters: [],
        steps: [],
        attachments: [],
      }),
    );
  });
  writeFileSync(join(results, 'environment.properties'), `environment=staging (READ_ONLY)\nrun=${runId}\n`);
  // What the results reporter writes beside them (tollgate run: reports/<run>/results.json).
  writeFileSync(
    join(reports, runId, 'results.json'),
    JSON.stringify({
      results: cases.map((c, i) => ({
        id: idOf(c.title),
        project: 'smoke-api',
        suite: 'smoke',
        file: `tests/${FILE}`,
        line: 10 + i,
        titlePath: ['API journeys', c.title],
        tags: [],
        status: c.status,
        outcome: c.status === 'passed' ? 'expected' : 'unexpected',
        retries: 0,
        durationMs: 500,
        startedAt: new Date(1795334400000).toISOString(),
        attachments: [],
        ...(c.message ? { error: { message: c.message } } : {}),
      })),
    }),
  );
  return results;
}

const triageLabels = (results: string) =>
  Object.fromEntries(
    readdirSync(results)
      .filter((f) => f.endsWith('-result.json'))
      .map((f) => {
        const r = JSON.parse(readFileSync(join(results, f), 'utf8')) as { name: string; labels: { name: string; value: string }[] };
        return [
          r.name,
          r.labels
            .filter((l) => l.name === LABEL.triage)
            .map((l) => l.value)
            .join(','),
        ];
      }),
  );
const categoriesShown = (dir: string) =>
  Object.values(
    (
      JSON.parse(readFileSync(join(dir, 'widgets', 'categories.json'), 'utf8')) as {
        nodes: Record<string, { type: string; name: string; statistic?: { total: number } }>;
      }
    ).nodes,
  )
    .filter((n) => n.type === 'category')
    .map((n) => `${n.name}: ${n.statistic?.total}`)
    .sort();
const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

describe('buildAllureReport with the Allure 3 CLI', { concurrency: false }, () => {
  let root: string;
  let reports: string;
  let history: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'tollgate-allure-report-'));
    reports = join(root, 'reports');
    history = join(root, 'history');
    writeRun(reports, RUN);
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test("the report: triage categories from the run's results, history, executor, nothing loaded from the network", async () => {
    const triage = triageWithoutHistory(join(reports, RUN), {});
    const built = await buildAllureReport({
      runId: RUN,
      environment: 'staging',
      triage,
      reportsDir: reports,
      historyDir: history,
      env: {},
    });
    assert.equal(built.dir, join(reports, RUN, 'allure-report'));
    assert.equal(built.singleFile, undefined);
    assert.equal(built.results, 3);
    assert.ok(existsSync(join(built.dir, 'index.html')));
    assert.deepEqual(triageLabels(join(reports, RUN, 'allure-results')), {
      'reads the stats': 'environment',
      'verify tells tags apart': 'product',
      'signs in': '',
    });
    assert.deepEqual(categoriesShown(built.dir), [`${CATEGORY_NAMES.environment}: 1`, `${CATEGORY_NAMES.product}: 1`]);
    assert.deepEqual(
      lines(historyFile('staging', history)).map((l) => JSON.parse(l).name),
      [reportName('staging', RUN)],
    );
    assert.equal(JSON.parse(readFileSync(join(reports, RUN, 'allure-results', 'executor.json'), 'utf8')).name, 'local');
    assert.deepEqual(externalLoads(built.dir), []);
    assert.doesNotMatch(readFileSync(join(built.dir, 'index.html'), 'utf8'), /googletagmanager/);
    assert.ok(!readdirSync(join(reports, RUN)).some((f) => f.startsWith('.allure-build')), 'the work directory is gone');
  });

  test("a rebuild with --single-file: one more file, the same history entry, the run's triage wins over labels", async () => {
    const triage = {
      failures: [{ testId: idOf('verify tells tags apart'), category: 'known-issue' as const, rule: 'quarantined', signature: 's' }],
      groups: [],
    };
    const built = await buildAllureReport({
      runId: RUN,
      environment: 'staging',
      singleFile: true,
      triage,
      reportsDir: reports,
      historyDir: history,
      env: {},
    });
    assert.equal(built.singleFile, join(reports, RUN, 'allure-report.html'));
    const html = readFileSync(built.singleFile, 'utf8');
    // The one file carries its data as d("<path>","<base64>") calls.
    const tree = /d\("widgets\/tree\.json","([A-Za-z0-9+/=]+)"\)/.exec(html)?.[1];
    assert.ok(tree, 'the data is inside the one file');
    assert.match(Buffer.from(tree, 'base64').toString('utf8'), /verify tells tags apart/);
    assert.deepEqual(externalLoads(built.singleFile), []);
    assert.deepEqual(triageLabels(join(reports, RUN, 'allure-results')), {
      'reads the stats': '',
      'verify tells tags apart': 'known-issue',
      'signs in': '',
    });
    assert.deepEqual(
      categoriesShown(built.dir),
      [`${CATEGORY_NAMES['known-issue']}: 1`, `${UNTRIAGED}: 1`],
      'a failure the triage does not list is said to be untriaged',
    );
    assert.equal(lines(historyFile('staging', history)).length, 1, 'a rebuild replaces its history entry');

    // Without a triage, a rebuild keeps the labels the last build wrote (tollgate run's, with history).
    await buildAllureReport({ runId: RUN, environment: 'staging', reportsDir: reports, historyDir: history, env: {} });
    assert.equal(triageLabels(join(reports, RUN, 'allure-results'))['verify tells tags apart'], 'known-issue');
    assert.ok(!existsSync(join(reports, RUN, 'allure-report.html')), 'a build without --single-file removes a stale one');
  });

  test('a run without results is a usage error that says what to do', async () => {
    mkdirSync(join(reports, 'tg_20261122090000_zzzzzz', 'allure-results'), { recursive: true });
    await assert.rejects(
      buildAllureReport({ runId: 'tg_20261122090000_zzzzzz', environment: 'staging', reportsDir: reports, historyDir: history }),
      (e: unknown) => e instanceof UsageError && /has no Allure results/.test(e.message) && /--latest/.test(e.hint ?? ''),
    );
  });

  test('Allure itself adds Google Tag Manager: the reason the build strips it', () => {
    const out = join(root, 'raw');
    execFileSync(
      process.execPath,
      [join(REPO_ROOT, 'node_modules', 'allure', 'cli.js'), 'generate', join(reports, RUN, 'allure-results'), '--output', out],
      { cwd: root, stdio: 'ignore' },
    );
    assert.deepEqual(
      externalLoads(out).map((l) => new URL(l.url).host),
      ['www.googletagmanager.com'],
    );
  });

  test('which run: the newest with results, and the environment its results were written in', () => {
    assert.equal(latestRun(reports), 'tg_20261122090000_zzzzzz');
    mkdirSync(join(reports, 'not-a-run', 'allure-results'), { recursive: true });
    mkdirSync(join(reports, 'tg_20261122100000_noallu'), { recursive: true });
    assert.equal(latestRun(reports), 'tg_20261122090000_zzzzzz', 'ignores other folders and runs without results');
    assert.equal(environmentOf(RUN, reports), 'staging');
    assert.equal(environmentOf('tg_20261122090000_zzzzzz', reports), undefined);
    assert.equal(latestRun(join(root, 'nowhere')), undefined);
  });
});

test('the Allure config: history, both report flavours, no agent output, no quality gate', () => {
  const config = JSON.parse(allureConfig({ name: 'N', history: '/h/history.jsonl', singleFile: true })) as Record<string, any>;
  assert.equal(config.historyPath, '/h/history.jsonl');
  assert.deepEqual(Object.keys(config.plugins), ['awesome', 'single', 'agent']);
  assert.equal(config.plugins.single.options.singleFile, true);
  assert.equal(config.plugins.awesome.options.singleFile, false);
  assert.equal(config.plugins.agent.enabled, false);
  assert.equal(config.qualityGate, undefined, "the harness's gate decides");
  assert.equal(config.allureService, undefined, 'nothing is uploaded');
  assert.deepEqual(Object.keys(JSON.parse(allureConfig({ name: 'N', history: 'h', singleFile: false })).plugins), ['awesome', 'agent']);
});

test("pruneHistory drops the same report's entry and torn lines, and keeps the newest", () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-history-'));
  try {
    const file = join(dir, 'env', 'history.jsonl');
    pruneHistory(file, 'x');
    assert.ok(existsSync(join(dir, 'env')) && !existsSync(file), 'creates the folder, not the file');
    const entry = (name: string) => JSON.stringify({ name, testResults: {} });
    writeFileSync(file, [entry('a'), '{"name":"torn', entry('b'), entry('a')].join('\n') + '\n');
    pruneHistory(file, 'a');
    assert.deepEqual(lines(file), [entry('b')]);
    writeFileSync(file, Array.from({ length: HISTORY_KEEP + 5 }, (_, i) => entry(`r${i}`)).join('\n') + '\n');
    pruneHistory(file, 'new');
    const kept = lines(file).map((l) => JSON.parse(l).name);
    assert.equal(kept.length, HISTORY_KEEP - 1, 'room for the entry the build appends');
    assert.equal(kept.at(-1), `r${HISTORY_KEEP + 4}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
