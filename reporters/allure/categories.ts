/**
 * The Allure report's categories: exactly the harness's triage (gate/triage.ts and its rules),
 * never a second list of patterns that could drift from it.
 */
import type { Status } from 'allure-js-commons';
import type { Category } from 'allure-js-commons/sdk';
import { RULES } from '../../gate/triage-rules.ts';
import type { TriageCategory } from '../../gate/types.ts';
import { LABEL } from './labels.ts';

/** The triage categories in the order the report lists them, with what each means to a reader. */
export const CATEGORY_NAMES: Record<TriageCategory, string> = {
  'known-issue': 'known-issue: quarantined, owned, with a ticket',
  flaky: 'flaky: passed on a retry, or flips between runs',
  environment: 'environment: target unreachable or not ready',
  infrastructure: 'infrastructure: the test runner itself failed (browser, driver, worker, memory, disk)',
  deployment: 'deployment: wrong build, migrations or schema',
  'test-data': 'test-data: seed or manifest',
  automation: 'automation: the test itself broke',
  product: 'product: the product does not do what the test expects',
};
const ORDER = Object.keys(CATEGORY_NAMES) as TriageCategory[];
/** A failure the run's triage does not list (results without a triage, e.g. a run with no results.json). */
export const UNTRIAGED = "untriaged: failed, not in the run's triage";
const FAILED = ['failed', 'broken'] as const;

/** Allure 3's category rule, the subset we write (the first category that matches a result wins). */
export interface AllureCategoryRule {
  id: string;
  name: string;
  matchers: ({ labels: Record<string, string> } | { statuses: readonly string[] })[];
}

/**
 * The report's categories: exactly the harness's triage. The report build puts each failure's
 * category in a `triage` label (gate/triage.ts decides it, with history when `tollgate run`
 * builds the report), and each Allure category matches one label value. Matching Allure's own
 * way, by message patterns, could not keep the rules' order: it interleaves categories
 * (not-ready, then migrations, then connection errors) and some rules look at the project,
 * the file or history.
 */
export function allureCategories(): AllureCategoryRule[] {
  return [
    ...ORDER.map((category) => ({
      id: category,
      name: CATEGORY_NAMES[category],
      matchers: [{ labels: { [LABEL.triage]: `^${category}$` } }],
    })),
    // Before Allure's own "Product errors" / "Test errors", which would read as triage verdicts.
    { id: 'untriaged', name: UNTRIAGED, matchers: [{ statuses: FAILED }] },
  ];
}

/** A JS pattern as one that also works in Java (Allure 2) and matches anywhere in the message. */
function portable(re: RegExp): string {
  // Multiline ^ and $ as look-arounds: Allure 2 compiles without MULTILINE, JS RegExp() has no inline flags.
  const source = re.flags.includes('m')
    ? re.source.replace(/(?<![\\[])\^/g, '(?:^|(?<=\\n))').replace(/(?<!\\)\$/g, '(?=\\n|$)')
    : re.source;
  // Allure 2 requires the whole message to match.
  return `[\\s\\S]*(?:${source})[\\s\\S]*`;
}

/**
 * categories.json for Allure 2 and the classic report, which read it from the results (the
 * Allure 3 report uses allureCategories). One entry per triage rule that looks only at the
 * message or stack, in the rules' order; the catch-all is `product`. An approximation: rules
 * that need the quarantine, the project, the file or history are left out.
 */
export function allure2Categories(): Category[] {
  const statuses = [...FAILED] as Status[];
  return RULES.flatMap((r): Category[] => {
    const m = r.match;
    if (r.name === 'passed-on-retry')
      return [{ name: CATEGORY_NAMES.flaky, matchedStatuses: ['passed', ...statuses] as Status[], flaky: true }];
    if (r.category === 'product' && !m) return [{ name: CATEGORY_NAMES.product, matchedStatuses: statuses }];
    if (r.when || !m || m.project || m.file || m.titlePath) return [];
    return [
      {
        name: CATEGORY_NAMES[r.category],
        matchedStatuses: statuses,
        ...(m.message ? { messageRegex: portable(m.message) } : {}),
        ...(m.stack ? { traceRegex: portable(m.stack) } : {}),
      },
    ];
  });
}
