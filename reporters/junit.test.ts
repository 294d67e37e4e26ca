import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from '@playwright/test';
import { chromiumLaunchOptions } from '../config/browser.ts';
import type { ClassifiedFailure, Reason, RunRecord, TestResult, TriageCategory } from '../gate/types.ts';
import { classnameOf, firstLine, renderJUnit, writeJUnit } from './junit.ts';
import { aResult, aRun, ZERO_COUNTS } from '../testing/builders.ts';

function result(project: string, file: string, line: number, titlePath: string[], over: Partial<TestResult> = {}): TestResult {
  const suite = /^(auth|seed)$/.test(project) ? 'setup' : project.startsWith('regression') ? 'regression' : 'smoke';
  return aResult({ project, suite, file, line, titlePath, durationMs: 1234, ...over });
}

const failed = (message: string, stack?: string): Partial<TestResult> => ({
  status: 'failed',
  outcome: 'unexpected',
  error: { message, ...(stack ? { stack } : {}) },
});
const triaged = (r: TestResult, category: TriageCategory): ClassifiedFailure => ({
  testId: r.id,
  category,
  rule: 'test',
  signature: 'sig',
});

function run(results: TestResult[], failures: ClassifiedFailure[] = [], reasons: Reason[] = []): RunRecord {
  return aRun({
    runId: 'tg_20261122T071500Z_abc123',
    suites: ['smoke', 'regression'],
    seed: 4242,
    startedAt: '2026-11-22T07:15:00.000Z',
    finishedAt: '2026-11-22T07:16:30.000Z',
    durationMs: 90_500,
    verdict: 'WARN',
    reasons,
    counts: { ...ZERO_COUNTS, total: results.length },
    results,
    triage: { failures, groups: [] },
    target: { webURL: 'http://127.0.0.1:8080', apiURL: 'http://127.0.0.1:8080/api' },
  });
}

// A run with every kind of result: two real failures, one quarantined, a flaky pass, setup noise.
const api = 'tests/smoke/api/verify.spec.ts';
const R = {
  authOk: result('auth', 'tests/auth.setup.ts', 5, ['sign in as operator']),
  authFail: result('auth', 'tests/auth.setup.ts', 20, ['sign in as auditor'], failed('Error: login failed: 401')),
  seedOk: result('seed', 'tests/seed.setup.ts', 3, ['seed data']),
  pass: result('smoke-api', api, 10, ['verify API', 'a genuine tag'], { durationMs: 42 }),
  fail: result(
    'smoke-api',
    api,
    20,
    ['verify API', 'a revoked tag'],
    failed(
      'Error: expect(received).toBe(expected)\n\nExpected: "revoked"\nReceived: "genuine"',
      'Error: expect(received).toBe(expected)\n\nExpected: "revoked"\nReceived: "genuine"\n    at tests/smoke/api/verify.spec.ts:22:5',
    ),
  ),
  timeout: result('smoke-api', api, 30, ['verify API', 'an unknown tag'], { status: 'timedOut', outcome: 'unexpected' }),
  skip: result('smoke-api', api, 40, ['verify API', 'not on prod'], { status: 'skipped', outcome: 'skipped', durationMs: 0 }),
  interrupted: result('smoke-api', api, 50, ['verify API', 'cut short'], { status: 'interrupted', outcome: 'unexpected' }),
  flaky: result('smoke-api', api, 60, ['verify API', 'audit entry'], {
    outcome: 'flaky',
    retries: 2,
    error: { message: 'Error: socket hang up\n  at x' },
  }),
  quarantined: result('smoke-api', 'tests/smoke/api/revoke.spec.ts', 7, ['revoke', 'twice'], {
    ...failed('Error: expected 409, got 500'),
    attachments: [{ name: 'trace', contentType: 'application/zip', path: 'test-results/revoke-twice/trace.zip' }],
  }),
  regA: result('regression-web', 'tests/regression/web/tags/list.spec.ts', 12, ['tags list', 'paginates']),
  regB: result('regression-web', 'tests/regression/web/tags/list.spec.ts', 3, ['tags list', 'sorts']),
};
const full = run(
  Object.values(R),
  [triaged(R.fail, 'product'), triaged(R.quarantined, 'known-issue'), triaged(R.flaky, 'flaky'), triaged(R.authFail, 'environment')],
  [
    {
      rule: 'quarantined',
      verdict: 'WARN',
      message: `Quarantined failure of ${R.quarantined.id}: 500 on double revoke (owner tags-team, TAG-12, until 2026-12-31).`,
      tests: [R.quarantined.id],
    },
  ],
);

/** The XML of the test case named `name` (for string checks that need no parser). */
function testcaseXml(xml: string, name: string): string {
  const start = xml.indexOf(`name="${name}"`);
  assert.ok(start > 0, `no testcase named ${name}`);
  return xml.slice(xml.lastIndexOf('<testcase', start), xml.indexOf('</testcase>', start));
}

test('classname, name, file, line and time follow the brief', () => {
  const xml = renderJUnit(full);
  assert.match(
    xml,
    /<testcase classname="smoke-api\.smoke\.api\.verify" name="verify API › a genuine tag" file="tests\/smoke\/api\/verify\.spec\.ts" line="10" time="0\.042">/,
  );
  assert.equal(
    classnameOf({ project: 'regression-web', file: 'tests/regression/web/tags/list.spec.ts' }),
    'regression-web.regression.web.tags.list',
  );
  assert.equal(classnameOf({ project: 'auth', file: 'tests/auth.setup.ts' }), 'auth.auth');
  assert.match(xml, /^<testsuites name="tollgate staging 3f2c1a9" tests="10" failures="3" errors="0" skipped="3" time="90\.500">$/m);
});

test('testsuite counts are per project; setup projects keep only their failures', () => {
  const xml = renderJUnit(full);
  const suites = [...xml.matchAll(/<testsuite name="([^"]+)" tests="(\d+)" failures="(\d+)" errors="(\d+)" skipped="(\d+)"/g)].map((m) =>
    m.slice(1).join(' '),
  );
  // Sorted by project; `seed` had only a pass, so it has no testsuite at all.
  assert.deepEqual(suites, ['auth 1 1 0 0', 'regression-web 2 0 0 0', 'smoke-api 7 2 0 3']);
  assert.ok(!xml.includes('sign in as operator'));
  assert.match(xml, /name="sign in as auditor"[^]*?<failure message="Error: login failed: 401" type="environment">/);
});

test('run-level properties are on every testsuite, not on testsuites', () => {
  const xml = renderJUnit(full);
  const head = xml.slice(0, xml.indexOf('<testsuite '));
  assert.ok(!head.includes('<properties>'));
  for (const name of ['auth', 'regression-web', 'smoke-api']) {
    const suite = xml.slice(xml.indexOf(`<testsuite name="${name}"`));
    assert.match(
      suite,
      /^[^]*?<properties>\s*<property name="tollgate\.runId" value="tg_20261122T071500Z_abc123"\/>\s*<property name="tollgate\.environment" value="staging"\/>\s*<property name="tollgate\.build" value="3f2c1a9"\/>\s*<property name="tollgate\.verdict" value="WARN"\/>\s*<property name="tollgate\.seed" value="4242"\/>\s*<\/properties>/,
    );
  }
  assert.ok(!renderJUnit({ ...full, seed: undefined }).includes('tollgate.seed'));
});

test("a failure's type is its triage category, else 'failure'; full message and stack once as text", () => {
  const xml = renderJUnit(full);
  const fail = testcaseXml(xml, 'verify API › a revoked tag');
  assert.match(fail, /<failure message="Error: expect\(received\)\.toBe\(expected\)" type="product">/);
  assert.match(fail, /Received: &quot;genuine&quot;\n {4}at tests\/smoke\/api\/verify\.spec\.ts:22:5<\/failure>/);
  assert.equal(fail.split('Expected: &quot;revoked&quot;').length - 1, 1, 'the message is not repeated before its stack');
  assert.match(fail, /<property name="tollgate\.id" value="smoke-api › smoke\/api\/verify\.spec\.ts › verify API › a revoked tag"\/>/);
  assert.match(
    testcaseXml(xml, 'verify API › an unknown tag'),
    /<failure message="Test timed out" type="failure">Test timed out<\/failure>/,
  );
});

test('the failure message attribute is the first line, at most 500 characters', () => {
  const long = 'x'.repeat(600);
  const xml = renderJUnit(run([result('smoke-api', api, 1, ['long'], failed(`\n\n${long}\nsecond line`))]));
  const message = /<failure message="([^"]*)"/.exec(xml)?.[1] ?? '';
  assert.equal(message.length, 500);
  assert.ok(message.endsWith('…'));
  assert.ok(!message.includes('second line'));
  assert.equal(firstLine('\u001b[31mError:\u001b[39m boom\nmore'), 'Error: boom');
});

test('quarantined failures are skipped with the error in system-out; skipped and interrupted are skipped', () => {
  const xml = renderJUnit(full);
  const q = testcaseXml(xml, 'revoke › twice');
  assert.ok(!q.includes('<failure'));
  assert.match(q, /<skipped message="quarantined: Error: expected 409, got 500"\/>/);
  assert.match(
    q,
    /<system-out>Quarantined failure of [^<]*TAG-12[^<]*\nError: expected 409, got 500\n\[\[ATTACHMENT\|test-results\/revoke-twice\/trace\.zip\]\]<\/system-out>/,
  );
  assert.match(testcaseXml(xml, 'verify API › not on prod'), /<skipped\/>/);
  assert.match(testcaseXml(xml, 'verify API › cut short'), /<skipped message="interrupted"\/>/);
});

test('a flaky test is a pass with flaky and retries properties and its retried failure in system-out', () => {
  const f = testcaseXml(renderJUnit(full), 'verify API › audit entry');
  assert.ok(!/<failure|<skipped/.test(f));
  assert.match(f, /<property name="flaky" value="true"\/>\s*<property name="retries" value="2"\/>/);
  assert.match(f, /<system-out>Flaky: passed after 2 retries; the retried failure: Error: socket hang up<\/system-out>/);
  assert.ok(!testcaseXml(renderJUnit(full), 'verify API › a genuine tag').includes('flaky'));
});

test('attachments are [[ATTACHMENT|path]] lines; attachments without a file are left out', () => {
  const r = result('smoke-web', 'tests/smoke/web/verify.spec.ts', 9, ['page'], {
    ...failed('boom'),
    attachments: [
      { name: 'screenshot', contentType: 'image/png', path: 'test-results/page/shot.png' },
      { name: 'note', contentType: 'text/plain' },
      { name: 'trace', contentType: 'application/zip', path: 'test-results/page/trace.zip' },
    ],
  });
  assert.match(
    renderJUnit(run([r])),
    /<system-out>\[\[ATTACHMENT\|test-results\/page\/shot\.png\]\]\n\[\[ATTACHMENT\|test-results\/page\/trace\.zip\]\]<\/system-out>/,
  );
});

// The nasty inputs: markup in a title, ANSI colours, control characters, a lone surrogate, U+FFFF.
const nasty = result(
  'smoke-api',
  api,
  70,
  ['<script>&"\'', 'tab\there'],
  failed('\u001b[31mError:\u001b[39m expected \u001b[32m"a"\u001b[39m <b>&amp;</b>\u0000\u001f\uD800\uFFFF done\r\nline two'),
);
const nastyRun = run([nasty], [triaged(nasty, 'product')]);

test('escapes markup and strips ANSI codes and characters XML 1.0 forbids', () => {
  const xml = renderJUnit(nastyRun);
  assert.ok(xml.includes('name="&lt;script&gt;&amp;&quot;&apos; › tab&#9;here"'));
  assert.ok(xml.includes('message="Error: expected &quot;a&quot; &lt;b&gt;&amp;amp;&lt;/b&gt; done"'));
  assert.ok(!/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.test(xml), 'no forbidden control characters');
  assert.ok(!/[\uD800-\uDFFF]/.test(xml), 'no lone surrogate');
  // A surrogate pair is a real character (an emoji): it stays.
  assert.ok(renderJUnit(run([result('smoke-api', api, 1, ['ok \uD83D\uDE00'])])).includes('ok \uD83D\uDE00'));
});

test('output is deterministic and ordered by project, file, line, then id', () => {
  const shuffled = { ...full, results: [...full.results].reverse() };
  const xml = renderJUnit(full);
  assert.equal(renderJUnit(shuffled), xml);
  const names = [...xml.matchAll(/<testcase classname="([^"]+)" name="([^"]+)"/g)].map((m) => `${m[1]} | ${m[2]}`);
  assert.deepEqual(names, [
    'auth.auth | sign in as auditor',
    'regression-web.regression.web.tags.list | tags list › sorts',
    'regression-web.regression.web.tags.list | tags list › paginates',
    'smoke-api.smoke.api.revoke | revoke › twice',
    'smoke-api.smoke.api.verify | verify API › a genuine tag',
    'smoke-api.smoke.api.verify | verify API › a revoked tag',
    'smoke-api.smoke.api.verify | verify API › an unknown tag',
    'smoke-api.smoke.api.verify | verify API › not on prod',
    'smoke-api.smoke.api.verify | verify API › cut short',
    'smoke-api.smoke.api.verify | verify API › audit entry',
  ]);
});

test('writeJUnit writes <dir>/junit.xml atomically and returns its path', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-junit-'));
  try {
    const target = join(dir, 'reports', 'run');
    assert.equal(writeJUnit(run([R.pass]), target), join(target, 'junit.xml'));
    const path = writeJUnit(full, target);
    assert.equal(readFileSync(path, 'utf8'), renderJUnit(full));
    assert.deepEqual(readdirSync(target), ['junit.xml'], 'no temp file left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

interface Parsed {
  error: string | null;
  root?: Record<string, string>;
  suites: {
    attrs: Record<string, string>;
    properties: Record<string, string>;
    cases: {
      attrs: Record<string, string>;
      properties: Record<string, string>;
      failure?: { message: string | null; type: string | null; text: string };
      skipped?: { message: string | null };
      out?: string;
    }[];
  }[];
}

/**
 * Runs in the page: the browser's XML parser is strict (one error gives a parsererror document).
 * A string, not a function, so tsx's esbuild helpers (__name) cannot change what reaches the
 * browser (the same reason as fixtures/ui/selenium-ui.ts).
 */
const PARSE_IN_PAGE = `(xml) => {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  const error = doc.getElementsByTagName('parsererror')[0];
  if (error) return { error: error.textContent || 'parsererror', suites: [] };
  const attrsOf = (e) => Object.fromEntries([...e.attributes].map((a) => [a.name, a.value]));
  const kids = (e, tag) => [...e.children].filter((c) => c.tagName === tag);
  const props = (e) => Object.fromEntries(kids(e, 'properties').flatMap((p) => kids(p, 'property')).map((p) => [p.getAttribute('name'), p.getAttribute('value')]));
  const root = doc.documentElement;
  return {
    error: null,
    root: { tag: root.tagName, ...attrsOf(root) },
    suites: kids(root, 'testsuite').map((s) => ({
      attrs: attrsOf(s),
      properties: props(s),
      cases: kids(s, 'testcase').map((c) => {
        const [failure] = kids(c, 'failure');
        const [skipped] = kids(c, 'skipped');
        const [out] = kids(c, 'system-out');
        return {
          attrs: attrsOf(c),
          properties: props(c),
          ...(failure ? { failure: { message: failure.getAttribute('message'), type: failure.getAttribute('type'), text: failure.textContent } } : {}),
          ...(skipped ? { skipped: { message: skipped.getAttribute('message') } } : {}),
          ...(out ? { out: out.textContent } : {}),
        };
      }),
    })),
  };
}`;

describe('parsed by a real XML parser (Chromium DOMParser)', () => {
  let browser: Browser;
  let page: Page;
  const parse = (xml: string) => page.evaluate<Parsed>(`(${PARSE_IN_PAGE})(${JSON.stringify(xml)})`);

  before(async () => {
    browser = await chromium.launch(chromiumLaunchOptions());
    page = await browser.newPage();
  });
  after(async () => {
    await browser?.close();
  });

  test('the parser does report malformed XML (so a clean parse means something)', async () => {
    assert.notEqual((await parse('<a><b></a>')).error, null);
    assert.notEqual((await parse('<a>\u0001</a>')).error, null);
  });

  test('the full run is well-formed; counts and the structure consumers read come back', async () => {
    const doc = await parse(renderJUnit(full));
    assert.equal(doc.error, null);
    assert.deepEqual(doc.root, {
      tag: 'testsuites',
      name: 'tollgate staging 3f2c1a9',
      tests: '10',
      failures: '3',
      errors: '0',
      skipped: '3',
      time: '90.500',
    });
    assert.deepEqual(
      doc.suites.map((s) => s.attrs.name),
      ['auth', 'regression-web', 'smoke-api'],
    );
    for (const s of doc.suites) {
      assert.equal(Number(s.attrs.tests), s.cases.length, `${s.attrs.name}: tests`);
      assert.equal(Number(s.attrs.failures), s.cases.filter((c) => c.failure).length, `${s.attrs.name}: failures`);
      assert.equal(Number(s.attrs.skipped), s.cases.filter((c) => c.skipped).length, `${s.attrs.name}: skipped`);
      assert.equal(s.properties['tollgate.runId'], full.runId);
      for (const c of s.cases) {
        assert.ok(c.attrs.classname?.startsWith(`${s.attrs.name}.`), `classname of ${c.attrs.name}`);
        assert.ok(c.attrs.name);
        assert.match(c.attrs.time ?? '', /^\d+\.\d{3}$/);
        assert.ok(c.properties['tollgate.id']);
      }
    }
    const smoke = doc.suites.find((s) => s.attrs.name === 'smoke-api')!;
    const revoked = smoke.cases.find((c) => c.attrs.name === 'verify API › a revoked tag')!;
    assert.deepEqual(
      { message: revoked.failure?.message, type: revoked.failure?.type },
      { message: 'Error: expect(received).toBe(expected)', type: 'product' },
    );
    assert.match(revoked.failure?.text ?? '', /Received: "genuine"\n {4}at tests\/smoke\/api\/verify\.spec\.ts:22:5$/);
    const flaky = smoke.cases.find((c) => c.attrs.name === 'verify API › audit entry')!;
    assert.deepEqual(
      { flaky: flaky.properties.flaky, retries: flaky.properties.retries, failure: flaky.failure, skipped: flaky.skipped },
      { flaky: 'true', retries: '2', failure: undefined, skipped: undefined },
    );
  });

  test('escaped values read back as the original text, minus what XML cannot carry', async () => {
    const doc = await parse(renderJUnit(nastyRun));
    assert.equal(doc.error, null);
    const c = doc.suites[0]!.cases[0]!;
    assert.equal(c.attrs.name, '<script>&"\' › tab\there');
    assert.equal(c.properties['tollgate.id'], nasty.id);
    assert.equal(c.failure?.message, 'Error: expected "a" <b>&amp;</b> done');
    assert.equal(c.failure?.text, 'Error: expected "a" <b>&amp;</b> done\r\nline two');
  });
});
