/**
 * JUnit XML for a whole run, so Jenkins, CodeBuild and GitLab show Tollgate's tests natively.
 * A pure mapper from the RunRecord (renderJUnit) and a tiny atomic writer (writeJUnit).
 *
 * The XML follows what those consumers agree on: <testsuites> > <testsuite> (one per Playwright
 * project, run-level <properties> on each, since not every consumer accepts them on
 * <testsuites>) > <testcase classname name file line time>. Results are mapped to agree with the
 * gate: a quarantined failure is <skipped> (a CI that fails on failures must not fail on it), a
 * flaky test is a pass with a `flaky` property.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isFailure } from '../gate/results.ts';
import type { RunRecord, TestResult, TriageCategory } from '../gate/types.ts';
import { firstLine as firstLineOf, stripAnsi } from '../lib/text.ts';

export const JUNIT_FILE = 'junit.xml';
/** Consumers show the failure message attribute on one line; the full text is the element's body. */
export const MAX_MESSAGE = 500;

// Not allowed anywhere in XML 1.0, not even as a character reference.
const INVALID_XML =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text that is safe to put in XML: ANSI codes and characters XML 1.0 forbids removed. */
export const clean = (s: string) => stripAnsi(s).replace(INVALID_XML, '');

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;', '\r': '&#13;' };
const text = (s: string) => clean(s).replace(/[&<>"'\r]/g, (c) => ENTITIES[c]!);
// Attribute values also lose raw newlines and tabs to attribute normalization: keep them as references.
const attr = (s: string | number) => text(String(s)).replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
const attrs = (o: Record<string, string | number | undefined>) =>
  Object.entries(o)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${attr(v!)}"`)
    .join('');

const seconds = (ms: number) => (Math.max(0, ms) / 1000).toFixed(3);

/** The first non-empty line, cleaned and cut to `max` characters. */
export const firstLine = (message: string, max = MAX_MESSAGE): string => firstLineOf(clean(message), { max });

/** `<project>.<spec file under tests/ without its .spec.ts, slashes as dots>`. */
export function classnameOf(r: Pick<TestResult, 'project' | 'file'>): string {
  const spec = r.file.replace(/^tests\//, '').replace(/(\.(spec|test|setup|teardown))?\.[cm]?[jt]sx?$/, '');
  return `${r.project}.${spec.split('/').join('.')}`;
}

// Code-unit order, not localeCompare: the output must not depend on the machine's locale.
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byPosition = (a: TestResult, b: TestResult) => cmp(a.project, b.project) || cmp(a.file, b.file) || a.line - b.line || cmp(a.id, b.id);

type Kind = 'passed' | 'failed' | 'skipped';
interface Case {
  result: TestResult;
  kind: Kind;
  xml: string;
}

/** Setup projects (sign-in, seed) are plumbing: only their failures say something. */
const reported = (r: TestResult) => r.suite !== 'setup' || isFailure(r);

export function renderJUnit(record: RunRecord): string {
  const category = new Map(record.triage.failures.map((f) => [f.testId, f.category]));
  const quarantineReason = new Map(
    record.reasons.filter((r) => r.rule === 'quarantined').flatMap((r) => r.tests.map((t) => [t, r.message] as const)),
  );
  const cases = [...record.results]
    .filter(reported)
    .sort(byPosition)
    .map((r) => testcase(r, category.get(r.id), quarantineReason.get(r.id)));

  const projects = [...new Set(cases.map((c) => c.result.project))];
  const suites = projects.map((p) =>
    testsuite(
      p,
      cases.filter((c) => c.result.project === p),
      record,
    ),
  );
  const total = tally(cases);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: `tollgate ${record.environment} ${record.build}`, ...total, time: seconds(record.durationMs) })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}

/** Write `<dir>/junit.xml` atomically (temp file + rename): a CI never reads half a file. */
export function writeJUnit(record: RunRecord, dir: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, JUNIT_FILE);
  const tmp = join(dir, `.${JUNIT_FILE}.${process.pid}.tmp`);
  writeFileSync(tmp, renderJUnit(record));
  renameSync(tmp, file);
  return file;
}

// `errors` is always 0: Playwright does not tell a broken test from a failing one; triage does,
// and its category is the failure's `type`.
function tally(cases: Case[]) {
  const n = (k: Kind) => cases.filter((c) => c.kind === k).length;
  return { tests: cases.length, failures: n('failed'), errors: 0, skipped: n('skipped') };
}

function testsuite(project: string, cases: Case[], record: RunRecord): string {
  const time = seconds(cases.reduce((sum, c) => sum + c.result.durationMs, 0));
  // The Ant schema's timestamp has no zone nor fraction; Tollgate's times are UTC.
  const started = cases.map((c) => c.result.startedAt).sort(cmp)[0] ?? record.startedAt;
  const properties: Record<string, string | number | undefined> = {
    'tollgate.runId': record.runId,
    'tollgate.environment': record.environment,
    'tollgate.build': record.build,
    'tollgate.verdict': record.verdict,
    'tollgate.seed': record.seed,
  };
  return [
    `  <testsuite${attrs({ name: project, ...tally(cases), time, timestamp: started.slice(0, 19) })}>`,
    '    <properties>',
    ...Object.entries(properties)
      .filter(([, v]) => v !== undefined)
      .map(([name, value]) => `      <property${attrs({ name, value })}/>`),
    '    </properties>',
    ...cases.map((c) => c.xml),
    '  </testsuite>',
  ].join('\n');
}

function testcase(r: TestResult, category: TriageCategory | undefined, quarantineReason: string | undefined): Case {
  const flaky = r.outcome === 'flaky';
  const quarantined = isFailure(r) && category === 'known-issue';
  const message = r.error?.message ?? (r.status === 'timedOut' ? 'Test timed out' : `Test ${r.status}`);
  // Playwright's stack starts with the message: do not print it twice.
  // Every error of the failure (a test timeout, then the call it interrupted); Playwright's stack
  // starts with the message: do not print it twice.
  const errors = r.errors?.length ? r.errors : [{ message, stack: r.error?.stack }];
  const detail = errors
    .map((e) => (e.stack && clean(e.stack).includes(clean(e.message)) ? e.stack : [e.message, e.stack].filter(Boolean).join('\n\n')))
    .join('\n\n');

  const properties: [string, string | number][] = [['tollgate.id', r.id]];
  if (flaky) properties.push(['flaky', 'true'], ['retries', r.retries]);

  const out: string[] = [];
  let kind: Kind = 'passed';
  let verdict: string | undefined;
  if (quarantined) {
    kind = 'skipped';
    verdict = `<skipped${attrs({ message: `quarantined: ${firstLine(message, MAX_MESSAGE - 'quarantined: '.length)}` })}/>`;
    if (quarantineReason) out.push(quarantineReason);
    out.push(detail);
  } else if (isFailure(r)) {
    kind = 'failed';
    verdict = `<failure${attrs({ message: firstLine(message), type: category ?? 'failure' })}>${text(detail)}</failure>`;
  } else if (r.status === 'interrupted') {
    kind = 'skipped';
    verdict = '<skipped message="interrupted"/>';
  } else if (r.status === 'skipped') {
    kind = 'skipped';
    verdict = '<skipped/>';
  } else if (flaky) {
    const retried = r.error ? `: ${firstLine(r.error.message)}` : '';
    out.push(
      `Flaky: passed after ${r.retries} ${r.retries === 1 ? 'retry' : 'retries'}; the retried failure${retried || ' left no error'}`,
    );
  }
  // The Jenkins attachments plugin's convention; paths are relative to the repository (the workspace).
  out.push(...r.attachments.filter((a) => a.path).map((a) => `[[ATTACHMENT|${a.path}]]`));

  const xml = [
    `    <testcase${attrs({ classname: classnameOf(r), name: r.titlePath.join(' › '), file: r.file, line: r.line, time: seconds(r.durationMs) })}>`,
    '      <properties>',
    ...properties.map(([name, value]) => `        <property${attrs({ name, value })}/>`),
    '      </properties>',
    ...(verdict ? [`      ${verdict}`] : []),
    ...(out.length ? [`      <system-out>${text(out.join('\n'))}</system-out>`] : []),
    '    </testcase>',
  ].join('\n');
  return { result: r, kind, xml };
}
