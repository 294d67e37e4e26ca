import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { matchCategory, normalizeCategoriesConfig, type CategoriesConfig } from '@allurereport/core-api';
import type { TestResult as AllureResult } from 'allure-js-commons';
import { stringifyEnvInfo } from 'allure-js-commons/sdk/reporter';
import { quarantineIndex } from '../gate/quarantine.ts';
import { testId } from '../gate/results.ts';
import { classify } from '../gate/triage.ts';
import { RULES } from '../gate/triage-rules.ts';
import type { TestResult, TriageCategory } from '../gate/types.ts';
import { allure2Categories, allureCategories, CATEGORY_NAMES, UNTRIAGED } from './allure/categories.ts';
import { enrichResult, featureOf, idOf, LABEL, refOf } from './allure/labels.ts';
import { environmentInfo, executorInfo } from './allure/setup.ts';
import { loadTriageFixtures } from '../testing/triage-fixtures.ts';

/** Which category Allure 3's own matcher puts a result in, given our categories. */
function allureCategoryOf(d: {
  status: string;
  message?: string;
  labels?: { name: string; value: string }[];
}): TriageCategory | 'untriaged' | undefined {
  const categories = normalizeCategoriesConfig(allureCategories() as unknown as CategoriesConfig);
  const hit = matchCategory(categories, { status: d.status as 'failed', labels: d.labels ?? [], message: d.message, flaky: false });
  if (hit?.name === UNTRIAGED) return 'untriaged';
  return (Object.keys(CATEGORY_NAMES) as TriageCategory[]).find((c) => CATEGORY_NAMES[c] === hit?.name);
}

/** Which category Allure 2 gives a failed message from categories.json: the first entry whose pattern matches it whole. */
function allure2CategoryOf(message: string): TriageCategory | undefined {
  const hit = allure2Categories().find(
    (c) => !c.flaky && (!c.messageRegex || new RegExp(`^(?:${c.messageRegex as string})$`).test(message)) && !c.traceRegex,
  );
  return (Object.keys(CATEGORY_NAMES) as TriageCategory[]).find((c) => CATEGORY_NAMES[c] === hit?.name);
}

const fixtures = loadTriageFixtures();
const ansi = (s: string) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '');

test("the report's categories are the triage label, whatever the message says", () => {
  for (const c of Object.keys(CATEGORY_NAMES) as TriageCategory[]) {
    assert.equal(allureCategoryOf({ status: 'failed', message: 'connect ECONNREFUSED', labels: [{ name: LABEL.triage, value: c }] }), c);
  }
  assert.equal(allureCategoryOf({ status: 'failed', message: 'connect ECONNREFUSED' }), 'untriaged', 'no label, no guess');
  assert.equal(
    allureCategoryOf({ status: 'broken', labels: [{ name: LABEL.triage, value: 'environmental' }] }),
    'untriaged',
    'exact names only',
  );
  assert.equal(allureCategoryOf({ status: 'passed' }), undefined);
});

test('categories.json (Allure 2) puts real failure messages where triage does, for the rules that read only the message', () => {
  let compared = 0;
  for (const f of fixtures) {
    const result = {
      id: 'x',
      project: f.project,
      suite: 'smoke',
      file: f.file,
      line: 1,
      titlePath: f.titlePath,
      tags: [],
      status: f.status,
      outcome: 'unexpected',
      retries: 0,
      durationMs: 1,
      startedAt: '',
      attachments: [],
      error: { message: f.message },
    } as TestResult;
    const rule = classify({
      result,
      message: ansi(f.message),
      quarantine: undefined,
      flips: 0,
      policy: { flakyFlips: 3, flakyWindow: 10 },
    });
    if (rule.match?.project || rule.match?.file || rule.match?.titlePath || rule.match?.stack) continue;
    compared++;
    assert.equal(allure2CategoryOf(ansi(f.message)), rule.category, `${f.test}: ${ansi(f.message).split('\n')[0]}`);
  }
  assert.ok(compared >= 40, `compared ${compared} of ${fixtures.length} fixtures`);
});

test('categories.json (Allure 2) patterns match the whole message, as Allure 2 requires', () => {
  const cats = allure2Categories();
  const full = (re: string, s: string) => new RegExp(`^(?:${re})$`).test(s);
  const env = cats.filter((c) => c.name === CATEGORY_NAMES.environment);
  assert.ok(
    env.some((c) =>
      full(c.messageRegex as string, 'Error: apiRequestContext.get: connect ECONNREFUSED 127.0.0.1:19701\nCall log:\n  - → GET /readyz'),
    ),
  );
  assert.ok(!env.some((c) => full(c.messageRegex as string, 'Expected: "revoked"\nReceived: "genuine"')));
  assert.ok(
    cats.every((c) => c.name && c.matchedStatuses?.length),
    'every entry is a valid Allure 2 category',
  );
  assert.equal(cats.at(-1)!.name, CATEGORY_NAMES.product, 'the catch-all comes last');
  assert.ok(!cats.some((c) => c.name === CATEGORY_NAMES['known-issue']), 'Allure 2 cannot see the quarantine');
  // The gateway rule is multiline in JS (`^Received: 503$`): a 503 on its own line, not inside a number.
  assert.equal(allure2CategoryOf('Error: GET /stats\n\nExpected: 200\nReceived: 503'), 'environment');
  assert.equal(allure2CategoryOf('Error: took 1503 ms\nReceived: 15030'), 'product');
});

test('features come from the spec file name, then the title path', () => {
  const f = (file: string, ...titlePath: string[]) => featureOf({ project: 'p', file, titlePath });
  assert.equal(f('verify/deployment.spec.ts', 'deployment', 'the API runs the expected build'), 'deployment');
  assert.equal(f('smoke/api/api.spec.ts', 'API journeys', 'verify tells a genuine, a revoked and an unknown tag apart'), 'verify');
  assert.equal(f('smoke/api/api.spec.ts', 'API journeys', 'an operator revokes a tag, and verify then calls it revoked'), 'tags');
  assert.equal(f('smoke/api/api.spec.ts', 'API journeys', 'an operator registers an asset'), 'assets');
  assert.equal(
    f('../fixtures/journeys/web-smoke.ts', 'web journeys (web)', 'the dashboard counts the seeded tags and assets'),
    'dashboard',
  );
  assert.equal(f('regression/permissions.spec.ts', 'permissions: every role × action', 'viewer: POST /tags'), 'auth');
  assert.equal(f('regression/web-health.spec.ts', 'web health', 'no console errors'), 'web-health', 'no keyword: the file name');
});

test("the test id rebuilt from an Allure result is the harness's id, also for journeys defined in fixtures/", () => {
  const result = (fullName: string) => ({ fullName, labels: [{ name: 'parentSuite', value: 'smoke-web' }] });
  const ref = refOf(result('../fixtures/journeys/web-smoke.ts › web journeys (web) › a seeded tag is found from the tag list'))!;
  assert.equal(
    idOf(ref),
    testId('smoke-web', 'fixtures/journeys/web-smoke.ts', ['web journeys (web)', 'a seeded tag is found from the tag list']),
  );
  assert.equal(idOf(refOf(result('smoke/api/api.spec.ts › API journeys › t'))!), 'smoke-web › smoke/api/api.spec.ts › API journeys › t');
  assert.equal(refOf({ fullName: 'a.spec.ts › t', labels: [] }), undefined, 'no project, no id');
});

test('enrichResult adds epic, feature and severity, keeps a label the test set, and links an active quarantine ticket', () => {
  const make = (): AllureResult =>
    ({
      uuid: 'u',
      name: 't',
      fullName: 'smoke/api/api.spec.ts › API journeys › an operator registers an asset',
      status: 'failed',
      stage: 'finished',
      labels: [
        { name: 'parentSuite', value: 'smoke-api' },
        { name: 'severity', value: 'trivial' },
      ],
      links: [],
      parameters: [],
      steps: [],
      attachments: [],
      statusDetails: {},
    }) as unknown as AllureResult;
  const id = 'smoke-api › smoke/api/api.spec.ts › API journeys › an operator registers an asset';
  const now = new Date('2026-11-22T10:00:00Z');
  const entries = [
    { test: 'smoke-api › smoke/api/*', reason: 'r', owner: 'tags-team', ticket: 'https://tickets.example/TAGS-42', expires: '2026-12-31' },
  ];

  const r = make();
  enrichResult(r, quarantineIndex(entries, now));
  const label = (n: string) => r.labels.filter((l) => l.name === n).map((l) => l.value);
  assert.deepEqual(label('epic'), ['smoke']);
  assert.deepEqual(label('feature'), ['assets']);
  assert.deepEqual(label('severity'), ['trivial'], "the test's own severity wins");
  assert.deepEqual(label(LABEL.testId), [id]);
  assert.deepEqual(label(LABEL.quarantine), ['https://tickets.example/TAGS-42 (tags-team, until 2026-12-31)']);
  assert.deepEqual(r.links, [{ type: 'issue', name: 'https://tickets.example/TAGS-42', url: 'https://tickets.example/TAGS-42' }]);

  const expired = make();
  enrichResult(expired, quarantineIndex([{ ...entries[0]!, expires: '2026-11-01' }], now));
  assert.deepEqual(expired.links, [], 'an expired entry protects nothing and links nothing');
  assert.ok(!expired.labels.some((l) => l.name === LABEL.quarantine));
  assert.deepEqual(
    expired.labels.filter((l) => l.name === 'severity').map((l) => l.value),
    ['trivial'],
  );
});

test('severity follows the gate suite: verify blocks everything, smoke is critical', () => {
  const severity = (project: string) => {
    const r = { fullName: 'x.spec.ts › t', labels: [{ name: 'parentSuite', value: project }], links: [] } as unknown as AllureResult;
    enrichResult(r, undefined);
    return r.labels.find((l) => l.name === 'severity')?.value;
  };
  assert.deepEqual(['verify', 'smoke-web', 'regression', 'seed'].map(severity), ['blocker', 'critical', 'normal', 'blocker']);
});

test('environment info: the seed is read when Allure writes the file, after the seed project ran', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-allure-env-'));
  try {
    const env = { TOLLGATE_RUNS_DIR: dir };
    const target = {
      environment: { name: 'prod', readOnly: true },
      webURL: 'https://tags.example',
      apiURL: 'https://tags.example/api',
      expectedBuild: '3f2c1a9',
    };
    const info = environmentInfo({ target, runId: 'tg_20261122000000_abcdef', env });
    assert.equal(
      stringifyEnvInfo(info),
      'environment=prod (READ_ONLY)\nbuild=3f2c1a9\nweb=https://tags.example\napi=https://tags.example/api\nrun=tg_20261122000000_abcdef',
    );
    mkdirSync(join(dir, 'tg_20261122000000_abcdef'));
    writeFileSync(join(dir, 'tg_20261122000000_abcdef', 'manifest.json'), JSON.stringify({ seed: 4242 }));
    assert.match(stringifyEnvInfo(info), /\nseed=4242$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('executor: the CI provider and the link back to its run, or local', () => {
  const gh = executorInfo(
    {
      GITHUB_ACTIONS: 'true',
      GITHUB_SERVER_URL: 'https://github.com',
      GITHUB_REPOSITORY: 'acme/tags',
      GITHUB_RUN_ID: '99',
      GITHUB_RUN_NUMBER: '7',
      GITHUB_WORKFLOW: 'post-deploy',
    },
    { runId: 'r' },
  );
  assert.deepEqual(
    [gh.name, gh.type, gh.buildName, gh.buildUrl],
    ['GitHub Actions', 'github', 'post-deploy #7', 'https://github.com/acme/tags/actions/runs/99'],
  );
  const jenkins = executorInfo(
    { JENKINS_URL: 'https://ci.example/', JOB_NAME: 'gate', BUILD_NUMBER: '12', BUILD_URL: 'https://ci.example/job/gate/12/' },
    { runId: 'r' },
  );
  assert.deepEqual([jenkins.type, jenkins.buildName, jenkins.buildUrl], ['jenkins', 'gate #12', 'https://ci.example/job/gate/12/']);
  const gitlab = executorInfo(
    {
      GITLAB_CI: 'true',
      CI: 'true',
      CI_JOB_URL: 'https://gitlab.example/acme/tags/-/jobs/5',
      CI_PROJECT_PATH: 'acme/tags',
      CI_PIPELINE_IID: '31',
    },
    { runId: 'r' },
  );
  assert.deepEqual(
    [gitlab.type, gitlab.buildName, gitlab.buildUrl],
    ['gitlab', 'acme/tags #31', 'https://gitlab.example/acme/tags/-/jobs/5'],
  );
  const local = executorInfo({}, { runId: 'tg_20261122000000_abcdef', reportName: 'R' });
  assert.deepEqual([local.name, local.type, local.reportName], ['local', 'local', 'R']);
  assert.match(local.buildName!, /^tg_20261122000000_abcdef on /);
});

test('every triage category has a name in the report, in the triage order', () => {
  const order = [...new Set(RULES.map((r) => r.category))];
  for (const c of order) assert.ok(CATEGORY_NAMES[c].startsWith(`${c}:`), c);
  assert.deepEqual(
    allureCategories().map((c) => c.id),
    [...Object.keys(CATEGORY_NAMES), 'untriaged'],
  );
});
