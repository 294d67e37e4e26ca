/**
 * Demo readiness, as pure functions: Playwright's results for the @demo tests become a verdict
 * per demo step (the spec's top-level `test.step`s), console lines, an HTML page and a JSON
 * summary. The reporter class (demo-readiness.reporter.ts) only collects and writes.
 */
import type { TestCase, TestResult, TestStep } from '@playwright/test/reporter';
import { firstLine as firstLineOf, stripAnsi } from '../lib/text.ts';

export const DEMO_TAG = '@demo';
/** Annotation the demo spec adds per planned step, so steps that never started still count. */
export const PLANNED_STEP = 'demo-step';

export interface Shot {
  contentType: string;
  path?: string;
  body?: Buffer;
}

/** One demo test's run, reduced to what readiness needs (plain data: easy to build in tests). */
export interface DemoRun {
  title: string;
  project: string;
  status: TestResult['status'] | 'not run';
  durationMs: number;
  planned: string[];
  steps: { title: string; error?: string; durationMs: number; screenshot?: Shot }[];
  /** Errors of the test as a whole (the final "n steps failed" assertion, fixtures, timeouts). */
  errors: string[];
}

export type StepState = 'passed' | 'failed' | 'not run';

export interface StepOutcome {
  test: string;
  title: string;
  state: StepState;
  /** First line of the error, for the console. */
  error?: string;
  /** The whole error message, ANSI-free, for the HTML report. */
  detail?: string;
  durationMs: number;
  screenshot?: Shot;
}

export interface Readiness {
  ready: boolean;
  failed: number;
  total: number;
  steps: StepOutcome[];
  target?: string;
  generatedAt: string;
}

export const clean = (message: string) => stripAnsi(message).trim();

/**
 * The first meaningful line of an error message, without a generic "Error: " prefix. For an
 * action that timed out, what it waited for (from Playwright's call log) says more than the timeout.
 */
export function firstLine(message: string): string {
  const text = clean(message);
  const line = firstLineOf(text, { dropErrorPrefix: true });
  const waited = /Timeout \d+ms exceeded/.test(line) ? /^\s*- waiting for (.+)$/m.exec(text)?.[1] : undefined;
  return waited ? `${line} (waiting for ${waited.trim()})` : line;
}

const isDemo = (test: Pick<TestCase, 'tags'>) => test.tags.includes(DEMO_TAG);

/** Playwright's test case and last result as a DemoRun; undefined for tests that are not @demo. */
export function fromPlaywright(
  test: Pick<TestCase, 'title' | 'tags' | 'annotations' | 'parent'> & { results: TestResult[] },
): DemoRun | undefined {
  if (!isDemo(test)) return undefined;
  const project = projectOf(test.parent);
  const result = test.results.at(-1);
  if (!result) return { title: test.title, project, status: 'not run', durationMs: 0, planned: [], steps: [], errors: [] };
  const annotations = [...(result.annotations ?? []), ...test.annotations];
  const top = result.steps.filter((s) => s.category === 'test.step');
  return {
    title: test.title,
    project,
    status: result.status,
    durationMs: result.duration,
    planned: [...new Set(annotations.filter((a) => a.type === PLANNED_STEP && a.description).map((a) => a.description!))],
    steps: top.map((s) => ({
      title: s.title,
      durationMs: s.duration,
      ...(s.error?.message ? { error: s.error.message } : {}),
      ...(screenshotOf(s, result) ? { screenshot: screenshotOf(s, result)! } : {}),
    })),
    errors: result.errors.map((e) => e.message ?? e.value ?? '').filter(Boolean),
  };
}

function projectOf(suite: TestCase['parent'] | undefined): string {
  for (let s = suite; s; s = s.parent) if (s.type === 'project') return s.title;
  return '';
}

/** The spec names each screenshot after its step; step attachments come first when present. */
function screenshotOf(step: Pick<TestStep, 'title' | 'attachments'>, result: Pick<TestResult, 'attachments'>): Shot | undefined {
  const images = [...(step.attachments ?? []), ...result.attachments].filter(
    (a) => a.contentType.startsWith('image/') && (a.path || a.body),
  );
  const a = images.find((i) => i.name === step.title);
  return a ? { contentType: a.contentType, ...(a.path ? { path: a.path } : {}), ...(a.body ? { body: a.body } : {}) } : undefined;
}

/**
 * The verdict. Skipped demo tests (no demo data: the spec skips itself) are left out: they say
 * nothing about the demo. A demo test that never started because a setup project it depends on
 * failed has no result ('not run'): that demo is not ready. Undefined when no demo test ran.
 */
export function toReadiness(runs: DemoRun[], o: { target?: string; now?: Date } = {}): Readiness | undefined {
  const considered = runs.filter((r) => r.status !== 'skipped');
  if (considered.length === 0) return undefined;
  const steps = considered.flatMap(stepsOf);
  const failed = steps.filter((s) => s.state !== 'passed').length;
  return {
    ready: failed === 0,
    failed,
    total: steps.length,
    steps,
    ...(o.target ? { target: o.target } : {}),
    generatedAt: (o.now ?? new Date()).toISOString(),
  };
}

function stepsOf(run: DemoRun): StepOutcome[] {
  const seen = new Map(run.steps.map((s) => [s.title, s]));
  const titles = [...run.planned, ...run.steps.map((s) => s.title).filter((t) => !run.planned.includes(t))];
  const out: StepOutcome[] = titles.map((title) => {
    const s = seen.get(title);
    if (!s) {
      const why =
        run.status === 'timedOut'
          ? 'the test timed out before this step'
          : run.status === 'interrupted'
            ? 'the run was interrupted before this step'
            : 'never started';
      return { test: run.title, title, state: 'not run', error: why, durationMs: 0 };
    }
    return {
      test: run.title,
      title,
      state: s.error ? 'failed' : 'passed',
      ...(s.error ? { error: firstLine(s.error), detail: clean(s.error) } : {}),
      durationMs: s.durationMs,
      ...(s.screenshot ? { screenshot: s.screenshot } : {}),
    };
  });
  // A failure no step explains (a fixture, the seed, a setup project) must still show, as a step of its own.
  const stepFailed = out.some((s) => s.state !== 'passed');
  if (run.status !== 'passed' && !stepFailed) {
    const message =
      run.errors[0] ??
      (run.status === 'not run' ? 'did not run: a setup project it depends on failed or the run stopped early' : `ended ${run.status}`);
    out.push({
      test: run.title,
      title: `${run.title} (outside the demo steps)`,
      state: 'failed',
      error: firstLine(message),
      detail: clean(run.errors.join('\n\n') || message),
      durationMs: run.durationMs,
    });
  }
  return out;
}

export function consoleLines(r: Readiness, reportPath?: string): string[] {
  const lines = r.steps.map((s) => (s.state === 'passed' ? `  ✓ ${s.title}` : `  ✗ ${s.title} — ${s.error ?? s.state}`));
  if (reportPath) lines.push(`  report: ${reportPath}`);
  lines.push(r.ready ? 'Demo readiness: READY' : `Demo readiness: NOT READY (${r.failed} of ${r.total} steps failed)`);
  return lines;
}

export function toSummary(r: Readiness) {
  return {
    verdict: r.ready ? 'READY' : 'NOT READY',
    ready: r.ready,
    failed: r.failed,
    total: r.total,
    target: r.target ?? null,
    generatedAt: r.generatedAt,
    steps: r.steps.map(({ screenshot, detail: _detail, ...s }) => ({ ...s, screenshot: screenshot ? true : false })),
  };
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const CSS = `
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;background:#f4f5f7;color:#1d2430}
header{padding:24px 32px;color:#fff}header.ready{background:#1f7a4d}header.not-ready{background:#b3261e}
header h1{margin:0 0 4px;font-size:26px}header p{margin:0;opacity:.9}
main{padding:24px 32px;max-width:1200px}
ol{list-style:none;padding:0;margin:0 0 24px}
.step{background:#fff;border-radius:8px;box-shadow:0 1px 3px rgba(0,0,0,.12);margin:0 0 16px;padding:16px 20px;border-left:6px solid #1f7a4d}
.step.failed,.step.not-run{border-left-color:#b3261e}
.step h2{font-size:17px;margin:0;display:flex;gap:12px;align-items:baseline}
.badge{font-size:12px;font-weight:600;border-radius:10px;padding:2px 10px;color:#fff;background:#1f7a4d;text-transform:uppercase}
.failed .badge,.not-run .badge{background:#b3261e}.time{color:#5b6472;font-size:13px;margin-left:auto}
pre{white-space:pre-wrap;background:#fbeceb;border-radius:6px;padding:10px 12px;font-size:12.5px;max-height:260px;overflow:auto}
.shot{margin-top:12px;max-height:520px;overflow:auto;border:1px solid #d7dbe2;border-radius:6px}
.shot img{display:block;width:100%}
.toc{list-style:none;background:#fff;border-radius:8px;padding:12px 20px;margin:0 0 24px;box-shadow:0 1px 3px rgba(0,0,0,.12)}
.toc li{padding:3px 0}.toc a{color:#1d2430;text-decoration:none;font-weight:600}.toc .passed a{color:#1f7a4d}.toc .failed,.toc .not-run{color:#b3261e}.toc .failed a,.toc .not-run a{color:#b3261e}.none{color:#5b6472;font-style:italic}
`;

/** A self-contained page: inline CSS, screenshots through `embed` (data: URIs), nothing from the network. */
export function renderHtml(r: Readiness, embed: (shot: Shot) => string | undefined): string {
  const verdict = r.ready ? 'READY' : `NOT READY — ${r.failed} of ${r.total} steps failed`;
  const cls = (s: StepOutcome) => (s.state === 'not run' ? 'not-run' : s.state);
  const toc = r.steps.map(
    (s, i) =>
      `<li class="${cls(s)}"><a href="#step-${i + 1}">${s.state === 'passed' ? '✓' : '✗'} ${escape(s.title)}</a>${s.error ? ` — ${escape(s.error)}` : ''}</li>`,
  );
  const items = r.steps.map((s, i) => {
    const src = s.screenshot ? embed(s.screenshot) : undefined;
    return `<li class="step ${cls(s)}" id="step-${i + 1}"><h2><span class="badge">${escape(s.state)}</span>${escape(s.title)}<span class="time">${(s.durationMs / 1000).toFixed(1)} s</span></h2>
${(s.detail ?? s.error) ? `<pre>${escape(s.detail ?? s.error ?? '')}</pre>` : ''}
${src ? `<div class="shot"><img alt="Screenshot: ${escape(s.title)}" src="${escape(src)}"></div>` : '<p class="none">No screenshot.</p>'}</li>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Demo readiness: ${escape(r.ready ? 'READY' : 'NOT READY')}</title><style>${CSS}</style></head>
<body><header class="${r.ready ? 'ready' : 'not-ready'}"><h1>Demo readiness: ${escape(verdict)}</h1>
<p>${r.target ? `Target ${escape(r.target)} · ` : ''}checked ${escape(r.generatedAt)}</p></header>
<main><ul class="toc">
${toc.join('\n')}
</ul><ol>
${items.join('\n')}
</ol></main></body></html>
`;
}
