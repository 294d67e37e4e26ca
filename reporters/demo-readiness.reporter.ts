/**
 * Demo readiness: after a run with @demo tests, writes index.html (self-contained) and
 * summary.json to reports/demo-readiness/ and prints one line per demo step and the verdict.
 * Does nothing when no @demo test ran. The logic lives in demo-readiness.ts.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { FullConfig, Reporter, Suite } from '@playwright/test/reporter';
import { consoleLines, fromPlaywright, renderHtml, toReadiness, toSummary, type DemoRun, type Shot } from './demo-readiness.ts';

export interface DemoReadinessOptions {
  /** Relative to the config file's folder. */
  outputDir?: string;
}

export default class DemoReadinessReporter implements Reporter {
  private config?: FullConfig;
  private suite?: Suite;
  /** `--list` and filtered-out runs start no test at all: then there is nothing to report. */
  private started = false;

  constructor(private readonly options: DemoReadinessOptions = {}) {}

  printsToStdio() {
    return false;
  }

  onBegin(config: FullConfig, suite: Suite) {
    this.config = config;
    this.suite = suite;
  }

  onTestBegin() {
    this.started = true;
  }

  onEnd() {
    if (!this.suite || !this.config || !this.started) return;
    const runs = this.suite
      .allTests()
      .map(fromPlaywright)
      .filter((r): r is DemoRun => !!r);
    const projects = new Set(runs.map((r) => r.project));
    const target = this.config.projects.find((p) => projects.has(p.name))?.use.baseURL;
    const readiness = toReadiness(runs, target ? { target } : {});
    if (!readiness) return;

    const root = this.config.configFile ? dirname(this.config.configFile) : this.config.rootDir;
    const dir = resolve(root, this.options.outputDir ?? join('reports', 'demo-readiness'));
    mkdirSync(dir, { recursive: true });
    const html = join(dir, 'index.html');
    writeFileSync(html, renderHtml(readiness, dataUri));
    writeFileSync(join(dir, 'summary.json'), JSON.stringify(toSummary(readiness), null, 2) + '\n');
    const shown = relative(process.cwd(), html);
    console.log(['', 'Demo readiness:', ...consoleLines(readiness, shown.startsWith('..') ? html : shown)].join('\n'));
  }
}

/** Screenshots go inline so the page can be mailed or archived as one file. */
function dataUri(shot: Shot): string | undefined {
  try {
    const body = shot.body ?? (shot.path ? readFileSync(shot.path) : undefined);
    return body ? `data:${shot.contentType};base64,${body.toString('base64')}` : undefined;
  } catch {
    return undefined; // the attachment's file is gone: the step shows "No screenshot."
  }
}
