/**
 * The promotion report as one self-contained HTML page: inline CSS and SVG, no script, and a
 * Content-Security-Policy that would stop anything from loading even if a string slipped through.
 * Order follows the reader: verdict, reasons, what is new and whose it is, then the details.
 */
import { titlesOf } from './model.ts';
import { type CountsRow, type ReportModel, type TestRef } from './model-types.ts';
import { STYLE } from './style.ts';
import { trendSvg } from './trend.ts';
import { cap, duration, esc, hrefFrom, percent, shortBuild, when } from './text.ts';

/** Longer lists are cut here; report.json has them whole. */
const LIST_MAX = 40;

const vclass = (v: string | undefined) => (v ? `v-${v.toLowerCase()}` : 'v-none');
const chip = (text: string, cls: string) => `<span class="chip ${cls}">${esc(text)}</span>`;
const more = (n: number, what = 'more') => (n ? `<li class="more">…and ${n} ${what} (all of them are in report.json)</li>` : '');

function link(model: ReportModel, target: string | undefined, text: string, cls = ''): string {
  const href = target && hrefFrom(model.reportDir, target);
  return href ? `<a${cls ? ` class="${cls}"` : ''} href="${esc(href)}">${esc(text)}</a>` : '';
}

function testItem(model: ReportModel, t: TestRef, traces: Map<string, string>, extra = ''): string {
  const meta = [
    t.category ? chip(t.category + (t.novelty ? ` · ${t.novelty}` : ''), `cat cat-${t.category}`) : '',
    t.owner ? `<span class="owner">owner ${esc(t.owner)}</span>` : '',
    t.location ? `<span class="loc">${esc(t.location)}</span>` : '',
    link(model, traces.get(t.id), 'trace'),
  ].filter(Boolean);
  return `<li class="test"><div class="t-title"><span class="proj">${esc(t.project)}</span> ${esc(t.title)}</div>
${t.error ? `<div class="err">${esc(t.error)}</div>` : ''}${extra}${meta.length ? `<div class="meta">${meta.join(' ')}</div>` : ''}</li>`;
}

function testList(model: ReportModel, title: string, tests: TestRef[], traces: Map<string, string>, empty: string, sub = ''): string {
  const { shown, more: rest } = cap(tests, LIST_MAX);
  const body = tests.length
    ? `<ul class="tests">${shown.map((t) => testItem(model, t, traces)).join('\n')}${more(rest)}</ul>`
    : `<p class="none">${esc(empty)}</p>`;
  return `<section class="card"><h2>${esc(title)} <span class="count">${tests.length}</span></h2>${sub ? `<p class="sub">${sub}</p>` : ''}${body}</section>`;
}

function reasons(model: ReportModel, titleOf: Map<string, string>): string {
  if (!model.reasons.length)
    return `<p class="none">${model.verdict === 'PROMOTE' ? 'Every rule of the gate passed.' : 'No reasons were recorded.'}</p>`;
  const items = model.reasons.map((r) => {
    const { shown, more: rest } = cap(r.tests, 5);
    const tests = shown.length
      ? `<ul class="evidence">${shown.map((t) => `<li>${esc(titleOf.get(t) ?? t)}</li>`).join('')}${rest ? `<li class="more">…and ${rest} more</li>` : ''}</ul>`
      : '';
    const owners = r.owners.length ? `<div class="meta"><span class="owner">owner ${esc(r.owners.join(', '))}</span></div>` : '';
    return `<li class="reason">${chip(r.verdict, vclass(r.verdict))}<div><div class="r-msg">${esc(r.message)} <code class="rule">${esc(r.rule)}</code></div>${tests}${owners}</div></li>`;
  });
  return `<ul class="reasons">${items.join('\n')}</ul>`;
}

function buildPath(model: ReportModel): string {
  const stops = model.buildPath.map((s) => {
    const state = s.verdict ?? 'not yet';
    return `<li class="stop ${vclass(s.verdict)}${s.current ? ' current' : ''}"><span class="env">${esc(s.environment)}</span><span class="state">${esc(state)}</span><span class="when">${s.at ? esc(when(s.at).slice(0, 16)) : '&nbsp;'}</span></li>`;
  });
  const since = [
    model.previousRun ? `Previous run here: ${runLine(model.previousRun)}` : 'No earlier run in this environment.',
    model.lastPromoted ? `Last promoted build here: ${runLine(model.lastPromoted)}` : 'No earlier promoted build in this environment.',
  ];
  return `<ol class="path">${stops.join('<li class="arrow" aria-hidden="true">→</li>')}</ol><ul class="since">${since.map((s) => `<li>${s}</li>`).join('')}</ul>`;
}

const runLine = (r: { build: string; verdict: string; at: string; runId: string }) =>
  `build <b>${esc(shortBuild(r.build))}</b> ${chip(r.verdict, vclass(r.verdict))} ${esc(when(r.at))} <span class="loc">${esc(r.runId)}</span>`;

function countsTable(title: string, rows: CountsRow[]): string {
  if (!rows.length) return '';
  const cells = rows.map((r) => {
    const c = r.counts;
    return `<tr><th scope="row">${esc(r.name)}</th><td>${c.total}</td><td>${c.passed}</td><td class="${c.failed ? 'bad' : ''}">${c.failed}</td><td class="${c.flaky ? 'warn' : ''}">${c.flaky}</td><td>${c.skipped}</td><td>${c.quarantined}</td><td>${percent(r.passRate)}</td></tr>`;
  });
  return `<table class="counts"><caption>${esc(title)}</caption><thead><tr><th scope="col"></th><th scope="col">total</th><th scope="col">passed</th><th scope="col">failed</th><th scope="col">flaky</th><th scope="col">skipped</th><th scope="col">quarantined</th><th scope="col">pass rate</th></tr></thead><tbody>${cells.join('')}</tbody></table>`;
}

function groupsTable(model: ReportModel): string {
  if (!model.groups.length) return '<p class="none">No failures to triage.</p>';
  const rows = cap(model.groups, LIST_MAX);
  const body = rows.shown.map(
    (
      g,
    ) => `<tr><td>${chip(g.category, `cat cat-${g.category}`)}</td><td><code>${esc(g.signature)}</code></td><td class="num">${g.count}</td>
<td>${g.novelty ? chip(g.novelty, g.novelty === 'new' ? 'new' : 'recurring') : ''}<div class="loc">since ${esc(shortBuild(g.firstSeen.build))}, ${esc(when(g.firstSeen.at).slice(0, 10))}</div></td>
<td>${g.owner ? esc(g.owner) : '<span class="none">unassigned</span>'}</td><td><pre>${esc(g.example)}</pre></td></tr>`,
  );
  return `<table class="groups"><thead><tr><th scope="col">category</th><th scope="col">signature</th><th scope="col">tests</th><th scope="col">novelty</th><th scope="col">owner</th><th scope="col">example</th></tr></thead><tbody>${body.join('\n')}</tbody></table>${rows.more ? `<p class="more">…and ${rows.more} more groups (all of them are in report.json)</p>` : ''}`;
}

function steps(model: ReportModel): string {
  if (!model.steps.length) return '<p class="none">No steps recorded.</p>';
  const longest = Math.max(1, ...model.steps.map((s) => s.durationMs));
  const rows = model.steps.map(
    (
      s,
    ) => `<tr><th scope="row">${esc(s.name)}</th><td>${chip(s.status, `st-${s.status}`)}</td><td class="num">${esc(duration(s.durationMs))}</td>
<td class="barcell"><span class="sbar st-${s.status}" style="width:${Math.max(1, Math.round((s.durationMs / longest) * 100))}%"></span></td><td>${esc(s.detail)}</td></tr>`,
  );
  return `<table class="steps"><thead><tr><th scope="col">step</th><th scope="col">status</th><th scope="col">time</th><th scope="col"></th><th scope="col">what happened</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function stats(model: ReportModel): string {
  const c = model.counts;
  const tile = (n: string | number, label: string, cls = '') => `<div class="tile ${cls}"><b>${esc(n)}</b><span>${esc(label)}</span></div>`;
  return `<div class="tiles">${tile(percent(model.passRate), 'pass rate')}${tile(c.total, 'tests')}${tile(c.passed, 'passed')}${tile(c.failed, 'failed', c.failed ? 'hot' : '')}${tile(c.flaky, 'flaky')}${tile(c.quarantined, 'quarantined')}${tile(c.skipped, 'skipped')}</div>`;
}

export function renderHtml(model: ReportModel): string {
  const { run } = model;
  const traces = new Map<string, string>();
  for (const t of model.links.traces) if (!traces.has(t.testId)) traces.set(t.testId, t.path);
  const titleOf = titlesOf(model);

  const headerLinks = [link(model, model.links.ci, 'CI run'), link(model, model.links.allure, 'Allure report')].filter(Boolean);
  const facts = [
    `<b>${esc(run.environment)}</b>`,
    `build <b title="${esc(run.build)}">${esc(shortBuild(run.build))}</b>`,
    `run ${esc(run.runId)}`,
    `finished ${esc(when(run.finishedAt))}`,
    `took ${esc(duration(run.durationMs))}`,
    run.suites.length ? `suites ${esc(run.suites.join(', '))}` : '',
    run.seed !== undefined ? `seed ${esc(run.seed)}` : '',
    // A merged run says `2 shards`; a record from before merging, `shard 1/2`.
    run.shard ? esc(/^\d+\/\d+$/.test(run.shard) ? `shard ${run.shard}` : run.shard) : '',
  ].filter(Boolean);

  const quarantined = model.quarantined.length
    ? `<ul class="tests">${cap(model.quarantined, LIST_MAX)
        .shown.map((q) =>
          testItem(
            model,
            q.test,
            traces,
            `<div class="note${q.expired ? ' expired' : ''}">${q.expired ? '<b>Quarantine expired:</b> ' : ''}${esc(q.note)}</div>`,
          ),
        )
        .join('\n')}${more(cap(model.quarantined, LIST_MAX).more)}</ul>`
    : '<p class="none">No quarantined test failed.</p>';
  const traceList = model.links.traces.length
    ? `<ul class="traces">${cap(model.links.traces, 100)
        .shown.map((t) => `<li>${link(model, t.path, titleOf.get(t.testId) ?? t.testId)}</li>`)
        .join(
          '',
        )}${more(cap(model.links.traces, 100).more)}</ul><p class="sub">Open a trace with <code>npx playwright show-trace &lt;file&gt;</code>.</p>`
    : '<p class="none">No traces were recorded.</p>';
  const newSub = (r: ReportModel['previousRun'], none: string) =>
    r ? `Failing now, passing in build ${esc(shortBuild(r.build))} (${esc(when(r.at).slice(0, 10))}).` : esc(none);

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${model.verdict} · ${run.environment} · ${shortBuild(run.build)}`)} — Tollgate</title>
<style>${STYLE}</style></head>
<body>
<header class="banner ${vclass(model.verdict)}">
<div class="verdict" data-testid="verdict">${esc(model.verdict)}</div>
<div class="head"><h1>${esc(model.headline)}</h1>
<p class="facts">${facts.join(' · ')}${headerLinks.length ? ` · ${headerLinks.join(' · ')}` : ''}</p></div>
${stats(model)}
</header>
<main>
${model.notes.length ? `<section class="notes"><h2>Notes</h2><ul>${model.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul></section>` : ''}
<div class="row">
<section class="card why"><h2>Why ${esc(model.verdict)}</h2>${reasons(model, titleOf)}</section>
<section class="card"><h2>Path to production</h2>${buildPath(model)}</section>
</div>
<div class="row three">
${testList(model, 'New since the last run', model.newSinceLastRun, traces, model.previousRun ? 'Nothing: every failure also failed in the previous run.' : 'No failures.', newSub(model.previousRun, 'First run in this environment: every failure is new.'))}
${testList(model, 'New since the last promoted build', model.newSinceLastPromoted, traces, model.lastPromoted ? 'Nothing broke since the last promoted build.' : 'No promoted build to compare with.', newSub(model.lastPromoted, ''))}
${testList(model, 'Fixed since the last run', model.fixed, traces, 'No test went from failing to passing.', model.previousRun ? `Passing now, failing in build ${esc(shortBuild(model.previousRun.build))}.` : '')}
</div>
<section class="card"><h2>Failures by cause <span class="count">${model.groups.length}</span></h2>${groupsTable(model)}</section>
<div class="row">
${testList(model, 'Flaky', model.flaky, traces, 'No flaky test in this run.', 'Failed, then passed on a retry, or classified flaky by triage.')}
<section class="card"><h2>Quarantined <span class="count">${model.quarantined.length}</span></h2><p class="sub">Known issues: they failed, but do not block.</p>${quarantined}</section>
</div>
<section class="card"><h2>Trend</h2>${trendSvg(model.trend)}</section>
<div class="row">
<section class="card">${countsTable('Per suite', model.bySuite)}</section>
<section class="card">${countsTable('Per project', model.byProject)}</section>
</div>
<section class="card"><h2>Steps <span class="count">${esc(duration(model.steps.reduce((t, s) => t + s.durationMs, 0)))}</span></h2>${steps(model)}</section>
<section class="card"><h2>Traces <span class="count">${model.links.traces.length}</span></h2>${traceList}</section>
<section class="card"><h2>Every failure <span class="count">${model.failures.length}</span></h2>${
    model.failures.length
      ? `<ul class="tests">${cap(model.failures, LIST_MAX)
          .shown.map((t) => testItem(model, t, traces))
          .join('\n')}${more(cap(model.failures, LIST_MAX).more)}</ul>`
      : '<p class="none">No test failed.</p>'
  }</section>
</main>
<footer>Tollgate promotion report · ${esc(model.schema)} · target ${esc(run.target.webURL)} (web), ${esc(run.target.apiURL)} (API)${run.ci?.actor ? ` · triggered by ${esc(run.ci.actor)}` : ''}</footer>
</body></html>
`;
}
