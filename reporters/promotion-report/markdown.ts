/**
 * The promotion report as GitHub-flavoured Markdown for $GITHUB_STEP_SUMMARY (1 MiB at most per
 * step): the verdict and reasons first, every list capped, every untrusted string through md().
 */
import { titlesOf } from './model.ts';
import { type CountsRow, type ReportModel, type TestRef } from './model-types.ts';
import { sparkline } from './trend.ts';
import { cap, duration, isWebUrl, md, mdCode, percent, shortBuild, when } from './text.ts';

export const MARKDOWN_LIMIT = 1024 * 1024;
const LIST_MAX = 15;
const ICON: Record<string, string> = { PROMOTE: '🟢', WARN: '🟠', BLOCK: '🔴', INCONCLUSIVE: '⚪' };

/** Parentheses and spaces would end a Markdown link's destination early. */
const mdLink = (text: string, url: string) => `[${text}](${encodeURI(decodeSafe(url)).replace(/\(/g, '%28').replace(/\)/g, '%29')})`;
const decodeSafe = (url: string) => {
  try {
    return decodeURI(url);
  } catch {
    return url;
  }
};

const more = (n: number) => (n ? [`- …and ${n} more`] : []);

function testLine(t: TestRef): string {
  const extra = [t.category && `${t.category}${t.novelty ? `, ${t.novelty}` : ''}`, t.owner && `owner ${t.owner}`]
    .filter(Boolean)
    .join(' · ');
  return `- **${md(t.project)}** › ${md(t.title)}${t.error ? ` — ${md(t.error, 200)}` : ''}${extra ? ` _(${md(extra)})_` : ''}`;
}

function list(title: string, tests: TestRef[], empty: string, against = ''): string[] {
  if (!tests.length) return [`**${title}:** ${empty}`, ''];
  const { shown, more: rest } = cap(tests, LIST_MAX);
  return [`**${title} (${tests.length})**${against}:`, '', ...shown.map(testLine), ...more(rest), ''];
}

function countsTable(rows: CountsRow[], head: string): string[] {
  return [
    `| ${head} | total | passed | failed | flaky | skipped | quarantined | pass rate |`,
    '|---|--:|--:|--:|--:|--:|--:|--:|',
    ...rows.map(
      (r) =>
        `| ${md(r.name)} | ${r.counts.total} | ${r.counts.passed} | ${r.counts.failed} | ${r.counts.flaky} | ${r.counts.skipped} | ${r.counts.quarantined} | ${percent(r.passRate)} |`,
    ),
  ];
}

export function renderMarkdown(model: ReportModel): string {
  const { run, counts: c } = model;
  const links = [
    model.links.ci && isWebUrl(model.links.ci) ? mdLink('CI run', model.links.ci) : '',
    // A relative Allure link means nothing on GitHub's summary page: name the file instead.
    model.links.allure
      ? isWebUrl(model.links.allure)
        ? mdLink('Allure report', model.links.allure)
        : `Allure report: ${mdCode(model.links.allure, 300)}`
      : '',
  ].filter(Boolean);
  const out: string[] = [
    `## ${ICON[model.verdict]} ${model.verdict} — ${md(run.environment)} · build ${mdCode(shortBuild(run.build), 60)}`,
    '',
    `**${md(model.headline, 400)}**`,
    '',
    `${percent(model.passRate)} pass rate · ${c.total} tests: ${c.passed} passed, ${c.failed} failed, ${c.flaky} flaky, ${c.quarantined} quarantined, ${c.skipped} skipped · took ${duration(run.durationMs)} · run ${mdCode(run.runId, 80)} · ${when(run.finishedAt)}${links.length ? ` · ${links.join(' · ')}` : ''}`,
    '',
  ];
  if (model.notes.length) out.push(...model.notes.map((n) => `> ⚠️ ${md(n, 500)}`), '');

  const titleOf = titlesOf(model);
  out.push('### Why', '');
  if (!model.reasons.length) out.push(model.verdict === 'PROMOTE' ? 'Every rule of the gate passed.' : 'No reasons were recorded.');
  for (const r of cap(model.reasons, LIST_MAX).shown) {
    const tests = cap(r.tests, 3);
    const evidence = tests.shown.length
      ? ` — ${tests.shown.map((t) => md(titleOf.get(t) ?? t, 160)).join('; ')}${tests.more ? `; …and ${tests.more} more` : ''}`
      : '';
    out.push(
      `- ${ICON[r.verdict]} **${md(r.message, 400)}** ${mdCode(r.rule, 60)}${evidence}${r.owners.length ? ` _(owner ${md(r.owners.join(', '))})_` : ''}`,
    );
  }
  out.push(...more(cap(model.reasons, LIST_MAX).more), '');

  const path = model.buildPath.map((s) => {
    const text = `${md(s.environment)} ${s.verdict ? `${ICON[s.verdict]} ${s.verdict}` : '· not yet'}`;
    return s.current ? `**${text}**` : text;
  });
  out.push(`**Path:** ${path.join(' → ')}`, '');

  out.push('### What changed', '');
  const since = (r: ReportModel['previousRun']) => (r ? ` vs build ${mdCode(shortBuild(r.build), 60)} of ${when(r.at)}` : '');
  out.push(
    ...list(
      'New failures since the last run',
      model.newSinceLastRun,
      model.previousRun ? 'none' : 'none (first run here)',
      since(model.previousRun),
    ),
  );
  out.push(
    ...list(
      'New since the last promoted build',
      model.newSinceLastPromoted,
      model.lastPromoted ? 'none' : 'no promoted build to compare with',
      since(model.lastPromoted),
    ),
  );
  out.push(...list('Fixed since the last run', model.fixed, 'none'));
  out.push(...list('Flaky', model.flaky, 'none'));
  if (model.quarantined.length) {
    const q = cap(model.quarantined, LIST_MAX);
    out.push(
      `**Quarantined (${model.quarantined.length})**:`,
      '',
      ...q.shown.map((r) => `${testLine(r.test)} — ${r.expired ? '**expired** ' : ''}${md(r.note, 200)}`),
      ...more(q.more),
      '',
    );
  } else out.push('**Quarantined:** none', '');

  if (model.groups.length) {
    const g = cap(model.groups, 20);
    out.push('### Failures by cause', '', '| category | signature | tests | novelty | owner | example |', '|---|---|--:|---|---|---|');
    for (const r of g.shown)
      out.push(
        `| ${r.category} | ${md(r.signature, 120)} | ${r.count} | ${r.novelty ?? ''} | ${md(r.owner ?? 'unassigned')} | ${md(r.example, 160)} |`,
      );
    if (g.more) out.push('', `…and ${g.more} more groups`);
    out.push('');
  }

  out.push('### Details', '');
  if (model.bySuite.length) out.push(...countsTable(model.bySuite, 'suite'), '');
  if (model.byProject.length)
    out.push('<details><summary>Per project</summary>', '', ...countsTable(model.byProject, 'project'), '', '</details>', '');
  if (model.steps.length) {
    out.push('| step | status | time | what happened |', '|---|---|--:|---|');
    for (const s of model.steps)
      out.push(
        `| ${s.name} | ${s.status === 'ok' ? '✅' : s.status === 'failed' ? '❌' : '⏭️'} ${s.status} | ${duration(s.durationMs)} | ${md(s.detail, 200)} |`,
      );
    out.push('');
  }
  const last = model.trend.at(-1);
  out.push(
    `**Trend** (pass rate, ${model.trend.length === 1 ? 'this run only' : `last ${model.trend.length} runs, oldest first`}): \`${sparkline(model.trend)}\` now ${percent(last?.passRate ?? null)} in ${duration(last?.durationMs ?? NaN)}`,
    '',
  );
  if (model.links.traces.length)
    out.push(
      `${model.links.traces.length} trace${model.links.traces.length === 1 ? '' : 's'} recorded: see the HTML report (${mdCode(`${model.reportDir}/index.html`, 300)}).`,
      '',
    );
  return fit(out.join('\n'));
}

/** A last guard: the lists are capped, but one enormous message must not break the job summary. */
function fit(text: string): string {
  if (Buffer.byteLength(text) <= MARKDOWN_LIMIT) return text;
  const note = '\n\n…cut to fit the job summary: see the HTML report.\n';
  const budget = MARKDOWN_LIMIT - Buffer.byteLength(note) - 4;
  let cut = Buffer.from(text).subarray(0, budget).toString('utf8');
  cut = cut.replace(/\uFFFD$/, '');
  return cut.slice(0, cut.lastIndexOf('\n')) + note;
}
