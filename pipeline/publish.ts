/**
 * Step 10, publish: what the suites left is scrubbed of secrets, then the normalized results,
 * JUnit, the Allure report (with the run's own triage), the promotion report and Slack. A Slack
 * or Allure failure is said on the step line and in the notes; it never changes the verdict.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promotionOrder } from '../config/environment.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { scrubTree } from '../gate/scrub.ts';
import type { RunRecord } from '../gate/types.ts';
import { seconds } from '../lib/text.ts';
import { buildAllureReport } from '../reporters/allure-report.ts';
import { writeJUnit } from '../reporters/junit.ts';
import { writePromotionReport } from '../reporters/promotion-report.ts';
import { buildSlackMessage, postToSlack, saveSlackPayload, shouldPost } from '../reporters/slack.ts';
import type { GateConfig } from './config.ts';
import type { History } from './history.ts';
import { injectedFailure, unexpected } from './guard.ts';
import type { Session } from './session.ts';

export interface PublishInput {
  record: RunRecord;
  history: History;
  reportDir: string;
  /** Extra publishing (the merged Playwright report); returns its line for the publish step. */
  extra?: () => Promise<string | undefined>;
  /** A step that runs beside publishing (record): its line comes first, so the step lines keep their order. */
  after?: Promise<unknown>;
}

export async function publishStep(s: Session, config: Pick<GateConfig, 'environment' | 'processEnv'>, a: PublishInput): Promise<void> {
  const t = Date.now();
  try {
    const detail = await publish(s, config, a);
    await a.after;
    s.step('publish', 'ok', Date.now() - t, detail);
  } catch (e) {
    await a.after;
    // Not planned for: the promotion report is still written, so the verdict has its page.
    const why = unexpected('publish', e).message;
    s.notes.push(`Publishing failed: ${why}.`);
    let written: string;
    try {
      const report = writePromotionReport(a.record, {
        history: a.history.history,
        lastPromoted: a.history.lastPromoted,
        buildPath: [],
        notes: s.notes,
      });
      written = `; ${relative(REPO_ROOT, report.html)} written`;
    } catch (reportError) {
      written = `; no report either (${(reportError as Error).message})`;
    }
    s.step('publish', 'failed', Date.now() - t, `${why}${written}`);
  }
}

/** Everything published; returns the step's line. */
async function publish(s: Session, config: Pick<GateConfig, 'environment' | 'processEnv'>, a: PublishInput): Promise<string> {
  const { environment, processEnv } = config;
  injectedFailure('publish', processEnv);
  const { reportDir } = a;
  const extra = await a.extra?.();
  // Traces can hold typed passwords and headers: scrubbed, or not kept where KEEP_TRACES=false.
  const scrubbed = await scrubTree(reportDir, s.redactor, { keepTraces: environment.keepTraces });
  const removed = new Set(scrubbed.removed.map((p) => relative(REPO_ROOT, p)));
  // A copy: the record step stores the run beside this one, from the record as decided.
  const record = {
    ...a.record,
    results: a.record.results.map((r) => ({ ...r, attachments: r.attachments.filter((x) => !x.path || !removed.has(x.path)) })),
  };
  writeFileSync(join(reportDir, 'results.json'), `${JSON.stringify(record.results, null, 2)}\n`);
  writeJUnit(record, reportDir);
  const allureNote = await allure(s, record, reportDir, processEnv);
  const allureFile = allureLink(reportDir);
  const report = writePromotionReport(record, {
    history: a.history.history,
    lastPromoted: a.history.lastPromoted,
    buildPath: promotionOrder().map((name) => {
      const run = name === environment.name ? record : a.history.buildRuns.find((r) => r.environment === name);
      return { environment: name, verdict: run?.verdict, runId: run?.runId, at: run?.startedAt };
    }),
    notes: s.notes,
    allureUrl: allureFile,
  });
  const slackNote = await slack(s, record, config, reportDir, allureFile);
  return `${relative(REPO_ROOT, report.html)}; ${allureNote}; ${extra ? `${extra}; ` : ''}${slackNote}${scrubbed.changed ? `; ${scrubbed.changed} artifact(s) scrubbed of secrets` : ''}`;
}

async function allure(s: Session, record: RunRecord, reportDir: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (!existsSync(join(reportDir, 'allure-results'))) return 'Allure: no results';
  try {
    // The single file opens from disk (a downloaded artifact); the directory is for serving (`tollgate report --open`).
    const built = await buildAllureReport({
      runId: record.runId,
      environment: record.environment,
      triage: record.triage,
      env,
      singleFile: true,
    });
    return `Allure ${relative(REPO_ROOT, built.singleFile ?? join(built.dir, 'index.html'))} (${seconds(built.ms)})`;
  } catch (e) {
    const note = `Allure report NOT built: ${(e as Error).message.split('\n')[0]}`;
    s.notes.push(note);
    return note;
  }
}

/** The Allure report to link, relative to the run's report directory: the single file, which opens from disk. */
function allureLink(reportDir: string): string | undefined {
  return ['allure-report.html', 'allure-report/index.html'].find((f) => existsSync(join(reportDir, f)));
}

/** The payload is always saved beside the reports; posting follows SLACK_NOTIFY. */
async function slack(
  s: Session,
  record: RunRecord,
  config: Pick<GateConfig, 'environment' | 'processEnv'>,
  reportDir: string,
  allureFile: string | undefined,
): Promise<string> {
  const { environment, processEnv } = config;
  const base = processEnv.TOLLGATE_REPORT_BASE_URL?.replace(/\/+$/, '');
  const message = buildSlackMessage(
    record,
    {
      runUrl: record.ci?.runUrl,
      reportUrl: base ? `${base}/${record.runId}/index.html` : undefined,
      allureUrl: base && allureFile ? `${base}/${record.runId}/${allureFile}` : undefined,
    },
    (x) => s.redactor.text(x),
  );
  saveSlackPayload(message, reportDir);
  if (!shouldPost(environment.slack.notify, record.verdict)) return `Slack: not posted (SLACK_NOTIFY=${environment.slack.notify})`;
  if (!environment.slack.webhookUrl && !environment.slack.botToken) return 'Slack: not configured (SLACK_WEBHOOK_URL or SLACK_BOT_TOKEN)';
  const sent = await postToSlack(message, { ...environment.slack }, { log: (l) => s.print(`    ${l}`) });
  // A Slack failure never changes the verdict or the exit code.
  return sent.delivered ? `Slack: posted (${sent.attempts} attempt(s))` : `Slack: NOT delivered (${sent.error}); the verdict stands`;
}
