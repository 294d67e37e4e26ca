/**
 * Labels and links Tollgate adds to every Allure result, derived from project, file and title so
 * no spec repeats them and setup projects get them too; quarantined tests link their ticket.
 */
import { basename, posix } from 'node:path';
import type { Label, Link, TestResult as AllureResult } from 'allure-js-commons';
import type { QuarantineIndex } from '../../gate/quarantine.ts';
import { suiteOf, testId } from '../../gate/results.ts';
import type { SuiteName } from '../../gate/types.ts';

/** Labels Tollgate adds; `triage` is written by the report build from the run's triage. */
export const LABEL = { triage: 'triage', quarantine: 'quarantine', testId: '_tollgate_id' } as const;

/** What a result is, as the harness names it. */
export interface TestRef {
  project: string;
  /** Relative to tests/, forward slashes: `smoke/api/api.spec.ts`. */
  file: string;
  titlePath: string[];
}

/**
 * Product area by keyword, first match wins: the spec file's name, then its describe blocks and
 * title. Specific words first (a dashboard that counts tags is about the dashboard).
 */
export const FEATURES: [RegExp, string][] = [
  [/^deployment\.spec/, 'deployment'],
  [/^security\.spec|\bCORS\b/, 'security'],
  [/^latency\.spec/, 'performance'],
  [/^accessibility\.spec/, 'accessibility'],
  [/\baudit/i, 'audit'],
  [/\brevokes?\b/i, 'tags'],
  [/\bverif(y|ies|ied|ication)/i, 'verify'],
  [/\bdashboard|\bstats\b/i, 'dashboard'],
  [/\bsign(s|ed|ing)? (in|out)\b|\blog ?in\b|\bsession|\bpermission|\brole\b|\bauth/i, 'auth'],
  [/\basset/i, 'assets'],
  [/\btags?\b|\brevoke/i, 'tags'],
];

export function featureOf(ref: TestRef): string {
  const name = basename(ref.file);
  const text = [name, ...ref.titlePath].join(' › ');
  // The file name decides first: the `^…\.spec` patterns only match it.
  return (
    FEATURES.find(([re]) => re.test(name))?.[1] ??
    FEATURES.find(([re]) => re.test(text))?.[1] ??
    name.replace(/\.(spec|setup|teardown)\.ts$/, '')
  );
}

/** How bad a failure is, from the gate suite: verify and setup break everything, smoke blocks. */
export const SEVERITY: Record<SuiteName, 'blocker' | 'critical' | 'normal'> = {
  setup: 'blocker',
  verify: 'blocker',
  smoke: 'critical',
  demo: 'normal',
  regression: 'normal',
};

/** epic (the gate suite), feature and severity; a label the test set itself is kept. */
export function labelsFor(ref: TestRef): Label[] {
  const suite = suiteOf(ref.project);
  return [
    { name: 'epic', value: suite },
    { name: 'feature', value: featureOf(ref) },
    { name: 'severity', value: SEVERITY[suite] },
  ];
}

/**
 * The harness's test id from what allure-playwright wrote: its fullName is the file under the
 * config's testDir (tests/) and the title path joined with ` › `, and the project is the
 * parent suite — the same parts gate/results.ts builds the id from.
 */
export function refOf(result: Pick<AllureResult, 'fullName' | 'labels'>): TestRef | undefined {
  const project = result.labels.find((l) => l.name === 'parentSuite')?.value;
  const [file, ...titlePath] = (result.fullName ?? '').split(' › ');
  if (!project || !file || !titlePath.length) return undefined;
  // Tests defined outside tests/ (the shared web journeys in fixtures/) come as `../fixtures/…`;
  // the id names them from the repository root, as gate/results.ts does.
  const fromRoot = posix.normalize(`tests/${file}`);
  return { project, file: fromRoot.replace(/^tests\//, ''), titlePath };
}

export const idOf = (ref: TestRef) => testId(ref.project, ref.file, ref.titlePath);

/** Adds Tollgate's labels and the quarantine ticket to one result, in place. Pure apart from that. */
export function enrichResult(result: AllureResult, quarantine: QuarantineIndex | undefined): void {
  const ref = refOf(result);
  if (!ref) return;
  const id = idOf(ref);
  const has = new Set(result.labels.map((l) => l.name));
  result.labels.push(...labelsFor(ref).filter((l) => !has.has(l.name)), { name: LABEL.testId, value: id });
  const entry = quarantine?.active(id);
  if (entry) {
    result.labels.push({ name: LABEL.quarantine, value: `${entry.ticket} (${entry.owner}, until ${entry.expires})` });
    const link: Link = { type: 'issue', name: entry.ticket, url: entry.ticket };
    if (!result.links.some((l) => l.url === link.url)) result.links.push(link);
  }
}
