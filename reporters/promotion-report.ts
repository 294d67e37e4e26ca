/**
 * The promotion report, written by every run to reports/<run id>/ and copied to reports/latest/:
 * index.html (self-contained), summary.md (for the CI job summary) and report.json. The model
 * (promotion-report/model.ts) is pure; this file only renders it and writes the files.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { RunRecord } from '../gate/types.ts';
import { SchemaError } from '../config/errors.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { buildReportModel } from './promotion-report/model.ts';
import { type ReportContext, type ReportModel } from './promotion-report/model-types.ts';
import { renderHtml } from './promotion-report/html.ts';
import { renderMarkdown } from './promotion-report/markdown.ts';

export { buildReportModel, passRateOf } from './promotion-report/model.ts';
export { REPORT_SCHEMA } from './promotion-report/model-types.ts';
export type { ReportContext, ReportModel, TestRef, TrendPoint } from './promotion-report/model-types.ts';
export { renderHtml } from './promotion-report/html.ts';
export { renderMarkdown, MARKDOWN_LIMIT } from './promotion-report/markdown.ts';

export const LATEST = 'latest';
export const FILES = { html: 'index.html', markdown: 'summary.md', json: 'report.json' } as const;

export function renderJson(model: ReportModel): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}

/** Repository-relative with forward slashes: how the model names directories. */
const repoPath = (abs: string) => relative(REPO_ROOT, abs).split(sep).join('/');

function writeReport(dir: string, model: ReportModel): { html: string; markdown: string; json: string } {
  const paths = { html: join(dir, FILES.html), markdown: join(dir, FILES.markdown), json: join(dir, FILES.json) };
  writeFileSync(paths.html, renderHtml(model));
  writeFileSync(paths.markdown, renderMarkdown(model));
  writeFileSync(paths.json, renderJson(model));
  return paths;
}

/**
 * Writes reports/<run id>/{index.html,summary.md,report.json} (next to whatever else the run
 * put there) and replaces reports/latest/ with a copy. latest/ is built in a temporary directory
 * and renamed into place, so a reader never sees it half-written. Its links are computed from
 * latest/ itself, so they work from there too.
 */
export function writePromotionReport(
  record: RunRecord,
  ctx: ReportContext,
  reportsRoot = join(REPO_ROOT, 'reports'),
): { dir: string; html: string; markdown: string; json: string } {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(record.runId) || record.runId === LATEST) {
    throw new SchemaError(`Run id "${record.runId}" cannot name a report directory.`, {
      hint: 'Run ids look like tg_<utc>_<random> (letters, digits, ".", "_", "-"); pass the id the run was given.',
    });
  }
  const dir = join(reportsRoot, record.runId);
  mkdirSync(dir, { recursive: true });
  const model = buildReportModel(record, ctx, { reportDir: repoPath(dir) });
  const written = writeReport(dir, model);

  const latest = join(reportsRoot, LATEST);
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  const fresh = join(reportsRoot, `.${LATEST}.new-${stamp}`);
  const old = join(reportsRoot, `.${LATEST}.old-${stamp}`);
  mkdirSync(fresh);
  try {
    writeReport(fresh, { ...model, reportDir: repoPath(latest) });
    // rename() cannot replace a non-empty directory: move the old one aside first. The moment
    // between the two renames has no latest/ at all, never a partial one.
    let movedAside = false;
    try {
      renameSync(latest, old);
      movedAside = true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    try {
      renameSync(fresh, latest);
    } catch (e) {
      if (movedAside) renameSync(old, latest);
      throw e;
    }
    if (movedAside) rmSync(old, { recursive: true, force: true });
  } finally {
    rmSync(fresh, { recursive: true, force: true });
  }
  return { dir, ...written };
}
