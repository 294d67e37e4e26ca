/**
 * The triage rules: an ordered table, the first rule that matches a failure decides its
 * category. Most rules are patterns over what the results reporter records (message, stack,
 * project, file, title path); the few that need history or the quarantine are predicates,
 * listed in the same table so the order is visible in one place (README: "Triage rules").
 * Every pattern is tested against real messages in gate/triage.fixtures.json.
 */
import type { Policy, QuarantineEntry, TestResult, TriageCategory } from './types.ts';

/** All given patterns must match (an absent one matches anything). */
export interface RuleMatch {
  message?: RegExp;
  stack?: RegExp;
  project?: RegExp;
  /** Repository path of the spec file, e.g. `tests/verify/deployment.spec.ts`. */
  file?: RegExp;
  /** The title path joined with ` › `. */
  titlePath?: RegExp;
}

/** What a predicate rule may look at, computed once per failure. */
export interface RuleInput {
  result: TestResult;
  /** The error message without colour codes. */
  message: string;
  quarantine: QuarantineEntry | undefined;
  /** Pass/fail changes of this test over the policy's window, this run included. */
  flips: number;
  policy: Pick<Policy, 'flakyFlips' | 'flakyWindow'>;
}

export interface TriageRule {
  name: string;
  category: TriageCategory;
  description: string;
  match?: RuleMatch;
  when?: (input: RuleInput) => boolean;
  /** What a predicate rule looks at, for the README's table. */
  uses?: string;
}

// Transport failures as Node, axios, Playwright's request context and Chromium word them.
const CONNECTION =
  /\b(ECONNREFUSED|ECONNRESET|ECONNABORTED|EPIPE|EHOSTUNREACH|ENETUNREACH)\b|net::ERR_(CONNECTION_\w+|ADDRESS_UNREACHABLE|EMPTY_RESPONSE|SOCKET_NOT_CONNECTED)|socket hang up|other side closed/;
const DNS = /\b(ENOTFOUND|EAI_AGAIN)\b|getaddrinfo|net::ERR_NAME_NOT_RESOLVED/;
// 502/503/504 only where they are an HTTP answer: the API client's transient error, an
// asserted status that came back as one, or a gateway's own page.
const GATEWAY = /\bHTTP 50[234]\b|^Received:\s+50[234]$|\b50[234] (Bad Gateway|Service (Temporarily )?Unavailable|Gateway Time-?out)\b/m;
// Waiting for the target, not for an element: requests and navigations (a locator that times
// out is the page not showing something, which is the product's or the test's business). A
// bare "Test timeout of N ms exceeded." says nothing about its cause and is not matched.
const TARGET_TIMEOUT =
  /\b(apiRequestContext\.\w+|page\.goto|page\.reload|page\.waitForNavigation): (Timeout \d+ms exceeded|net::ERR_TIMED_OUT)|(?<!Test )\btimeout of \d+ms exceeded\b|\bETIMEDOUT\b|net::ERR_(CONNECTION_)?TIMED_OUT|no answer within \d+ ms/;

export const RULES: readonly TriageRule[] = [
  {
    name: 'quarantined',
    category: 'known-issue',
    description: 'The test has an unexpired entry in config/quarantine.json: a known failure with an owner, a ticket and an expiry.',
    when: ({ quarantine }) => quarantine !== undefined,
    uses: 'quarantine',
  },
  {
    name: 'passed-on-retry',
    category: 'flaky',
    description: 'The test failed, then passed on a retry (Playwright outcome `flaky`).',
    when: ({ result }) => result.outcome === 'flaky',
    uses: 'outcome',
  },
  {
    name: 'not-ready',
    category: 'environment',
    description: 'Readiness gave up ("Environment not ready after …"): the environment could not be tested, whatever the reason it names.',
    match: { message: /\bEnvironment not ready after\b/ },
  },
  {
    name: 'migrations-not-at-head',
    category: 'deployment',
    description: 'The database is not migrated to the head the deployed API expects (before the 503 rule: /readyz answers 503 for it).',
    match: { message: /migrations? not at head|applied migrations in the database/ },
  },
  {
    name: 'schema-mismatch',
    category: 'deployment',
    description:
      'The database schema lacks what the code uses: a missing column, table or function (the seed checks first; before `seed-failed`).',
    match: {
      message:
        /\bThe target database lacks\b|\b(column|relation|function) "?[\w.]+"? (of relation "?\w+"? )?does not exist\b|\bUndefined(Column|Table|Function)\b/,
    },
  },
  {
    name: 'build-mismatch',
    category: 'deployment',
    description: 'An assertion comparing builds failed in tests/verify/deployment.spec.ts: web and API differ, or not the expected build.',
    match: { file: /(^|\/)tests\/verify\/deployment\.spec\.ts$/, titlePath: /\bbuild\b/, message: /\breports build\b|\bdeployed build\b/ },
  },
  {
    name: 'connection-failed',
    category: 'environment',
    description: 'The target refused or dropped the connection (ECONNREFUSED, ECONNRESET, net::ERR_CONNECTION_*).',
    match: { message: CONNECTION },
  },
  {
    name: 'dns',
    category: 'environment',
    description: "The target's host name does not resolve (ENOTFOUND, EAI_AGAIN, net::ERR_NAME_NOT_RESOLVED).",
    match: { message: DNS },
  },
  {
    name: 'gateway-error',
    category: 'environment',
    description: 'A 502, 503 or 504 answer: a proxy without its upstream, a service not up.',
    match: { message: GATEWAY },
  },
  {
    name: 'target-timeout',
    category: 'environment',
    description: 'A request or navigation to the target got no answer in time (not a locator waiting for an element).',
    match: { message: TARGET_TIMEOUT },
  },
  {
    name: 'seed-failed',
    category: 'test-data',
    description: 'The `seed` setup project failed: this run has no (or partial) data.',
    match: { project: /^seed$/ },
  },
  {
    name: 'manifest',
    category: 'test-data',
    description: "The run's seed manifest is missing or unreadable, or a read-only environment names no canary records.",
    match: { message: /\bseed manifest\b|\bmanifest\.json\b|\bcanary records\b|\bNo seeded data\b/ },
  },
  {
    name: 'manifest-unreadable',
    category: 'test-data',
    description: "An error raised while reading the manifest (e.g. a torn file's JSON SyntaxError; before the automation rules).",
    match: { stack: /\bat readManifest \(|[/\\]seed[/\\]manifest\.ts:\d+/ },
  },
  {
    name: 'strict-locator',
    category: 'automation',
    description: 'A locator matched several elements (Playwright\'s "strict mode violation"): the test must say which one.',
    match: { message: /\bstrict mode violation\b/ },
  },
  {
    name: 'script-error',
    category: 'automation',
    description: 'The test code threw a TypeError, ReferenceError, SyntaxError or RangeError.',
    match: { message: /^(Error: )?(TypeError|ReferenceError|SyntaxError|RangeError)\b/ },
  },
  {
    name: 'flipping',
    category: 'flaky',
    description:
      "The test's pass/fail status changed at least FLAKY_FLIPS times within the last FLAKY_WINDOW runs of this environment, this run included.",
    when: ({ flips, policy }) => flips >= policy.flakyFlips,
    uses: 'history',
  },
  {
    name: 'product',
    category: 'product',
    description:
      'Everything else: the product does not do what the test expects. `new` when the test passed the last time it ran here (or never ran), `recurring` when it failed then too.',
    when: () => true,
    uses: 'history (novelty)',
  },
];

/** The table as Markdown, for the README: one row per rule, in order. */
export function rulesMarkdown(rules: readonly TriageRule[] = RULES): string {
  const rows = rules.map((r, i) => {
    const looksAt = [...Object.keys(r.match ?? {}), ...(r.uses ? [r.uses] : [])].join(', ');
    return `| ${i + 1} | \`${r.name}\` | ${r.category} | ${looksAt} | ${r.description.replaceAll('|', '\\|')} |`;
  });
  return ['| # | rule | category | looks at | when |', '|---|---|---|---|---|', ...rows].join('\n');
}
