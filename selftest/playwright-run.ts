/** Run the real Playwright CLI from self-tests and read its JSON report as a flat list. */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import { stripAnsi } from '../lib/text.ts';

export interface TestOutcome {
  project: string;
  title: string;
  tags: string[];
  /** Playwright's verdict: expected (passed), unexpected (failed), flaky, skipped. */
  status: 'expected' | 'unexpected' | 'flaky' | 'skipped';
  error: string;
}

interface JsonSuite {
  suites?: JsonSuite[];
  specs?: JsonSpec[];
}
interface JsonSpec {
  title: string;
  tags: string[];
  tests: { projectName: string; status: TestOutcome['status']; results: { error?: { message?: string } }[] }[];
}

export function flatten(report: { suites: JsonSuite[] }): TestOutcome[] {
  const out: TestOutcome[] = [];
  const walk = (s: JsonSuite) => {
    for (const spec of s.specs ?? []) {
      for (const t of spec.tests) {
        const error = t.results
          .map((r) => r.error?.message ?? '')
          .filter(Boolean)
          .join('\n');
        out.push({ project: t.projectName, title: spec.title, tags: spec.tags, status: t.status, error: stripAnsi(error) });
      }
    }
    for (const child of s.suites ?? []) walk(child);
  };
  report.suites.forEach(walk);
  return out;
}

export async function runPlaywright(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; outcomes: TestOutcome[]; output: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-pw-'));
  const json = join(dir, 'report.json');
  try {
    const child = spawn(
      process.execPath,
      [join(REPO_ROOT, 'node_modules', '@playwright', 'test', 'cli.js'), 'test', '--reporter=json', '--output', join(dir, 'out'), ...args],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: json, ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let output = '';
    child.stderr!.on('data', (d: Buffer) => (output += d));
    const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
    let outcomes: TestOutcome[] = [];
    try {
      outcomes = flatten(JSON.parse(readFileSync(json, 'utf8')));
    } catch {
      /* no report: the caller sees an empty list and the output */
    }
    return { code, outcomes, output };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
