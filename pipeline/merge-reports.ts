/**
 * The shards' report files put together for `tollgate merge`: each part copied to its place in
 * the run's reports, their Allure results in one folder, their blob reports merged by
 * `playwright merge-reports` into one Playwright HTML report and JSON.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import { runNode } from '../lib/spawn.ts';
import { PLAYWRIGHT_CLI } from './suites.ts';

/** A part downloaded elsewhere is copied to its place in the run's reports; attachments' paths point there. */
export function gather(from: string, to: string): string {
  if (existsSync(to) && realpathSync(from) === realpathSync(to)) return to;
  rmSync(to, { recursive: true, force: true });
  mkdirSync(join(to, '..'), { recursive: true });
  cpSync(from, to, { recursive: true });
  return to;
}

/**
 * Allure results of every part into one folder. Setup tests ran in every shard: each keeps its
 * first result (by Tollgate id), like the merged results.
 */
export function mergeAllureResults(partDirs: string[], into: string): void {
  rmSync(into, { recursive: true, force: true });
  mkdirSync(into, { recursive: true });
  const seen = new Set<string>();
  for (const dir of partDirs) {
    const from = join(dir, 'allure-results');
    if (!existsSync(from)) continue;
    for (const file of readdirSync(from)) {
      if (file.endsWith('-result.json')) {
        const labels = (JSON.parse(readFileSync(join(from, file), 'utf8')) as { labels?: { name: string; value: string }[] }).labels ?? [];
        const id = labels.find((l) => l.name === '_tollgate_id')?.value;
        if (id && seen.has(id)) continue;
        if (id) seen.add(id);
      }
      cpSync(join(from, file), join(into, file), { recursive: true });
    }
  }
}

/** `playwright merge-reports`: the shards' blob reports as one Playwright HTML report and JSON. */
export async function mergePlaywrightReports(reportDir: string): Promise<string> {
  const blobs = join(reportDir, 'blob-reports');
  rmSync(blobs, { recursive: true, force: true });
  mkdirSync(blobs, { recursive: true });
  const shards = join(reportDir, 'shards');
  for (const part of existsSync(shards) ? readdirSync(shards) : []) {
    const dir = join(shards, part, 'blob-report');
    for (const zip of existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.zip')) : [])
      cpSync(join(dir, zip), join(blobs, `${part}-${basename(zip)}`));
  }
  if (!readdirSync(blobs).length) return 'Playwright report: no blob reports to merge';
  const out = join(reportDir, 'playwright-report');
  const env = {
    ...process.env,
    PLAYWRIGHT_HTML_OUTPUT_DIR: out,
    PLAYWRIGHT_HTML_OPEN: 'never',
    PLAYWRIGHT_JSON_OUTPUT_NAME: join(reportDir, 'playwright.json'),
  };
  const { code, output } = await runNode([PLAYWRIGHT_CLI, 'merge-reports', '--reporter', 'html,json', blobs], { cwd: REPO_ROOT, env });
  rmSync(blobs, { recursive: true, force: true });
  if (code !== 0) return `Playwright report NOT merged (merge-reports exit ${code}: ${output.trim().split('\n').pop()})`;
  return `Playwright report ${relative(REPO_ROOT, out)}/index.html`;
}
