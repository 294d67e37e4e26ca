/**
 * The triage rules: an ordered table, the first rule that matches a failure decides its
 * category. Most rules are patterns over what the results reporter records (message, stack,
 * project, file, title path); the few that need history or the quarantine are predicates,
 * listed in the same table so the order is visible in one place (README: "Triage rules"). The
 * wordings behind the patterns are in triage-patterns.ts. A failed test may carry several errors
 * (a test timeout and the call it interrupted): triage reads each, and the earliest rule any of
 * them matches wins (triage.ts).
 */
import {
  BROWSER_UNAVAILABLE,
  CONNECTION,
  CREDENTIALS_REFUSED,
  DNS,
  GATEWAY,
  HTML_NOT_JSON,
  RUNNER_CRASHED,
  RUNNER_RESOURCES,
  SCHEMA_MISMATCH,
  STALE_OR_INTERCEPTED,
  TARGET_CLOSED,
  TARGET_TIMEOUT,
  TEST_TIMEOUT,
  TLS,
} from './triage-patterns.ts';
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

/** What a rule looks at for one error of a failure. */
export interface RuleInput {
  result: TestResult;
  /** The error's message without colour codes. */
  message: string;
  /** The error's stack without colour codes ('' when it has none). */
  stack?: string;
  /** Every error message of the failure (colour codes removed), for rules that weigh one against the others. */
  errors?: string[];
  quarantine: QuarantineEntry | undefined;
  /** Pass/fail changes of this test over the policy's window of runs of the same build, this run included. */
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
  /** What to do about it, for the verdict's reason (the runner's own failures). */
  hint?: string;
}

const rule = (r: TriageRule): TriageRule => r;

export const RULES: readonly TriageRule[] = [
  rule({
    name: 'quarantined',
    category: 'known-issue',
    description: 'The test has an unexpired entry in config/quarantine.json: a known failure with an owner, a ticket and an expiry.',
    when: ({ quarantine }) => quarantine !== undefined,
    uses: 'quarantine',
  }),
  rule({
    name: 'passed-on-retry',
    category: 'flaky',
    description: 'The test failed, then passed on a retry (Playwright outcome `flaky`).',
    when: ({ result }) => result.outcome === 'flaky',
    uses: 'outcome',
  }),
  rule({
    name: 'not-ready',
    category: 'environment',
    description: 'Readiness gave up ("Environment not ready after …"): the environment could not be tested, whatever the reason it names.',
    match: { message: /\bEnvironment not ready after\b/ },
  }),
  rule({
    name: 'migrations-not-at-head',
    category: 'deployment',
    description: 'The database is not migrated to the head the deployed API expects (before the 503 rule: /readyz answers 503 for it).',
    match: { message: /migrations? not at head|applied migrations in the database/ },
  }),
  rule({
    name: 'schema-mismatch',
    category: 'deployment',
    description:
      'The database schema lacks what the code uses: a missing table, column or function, named with any quoted or qualified identifier (the seed checks first; before `seed-failed`).',
    match: { message: SCHEMA_MISMATCH },
  }),
  rule({
    name: 'build-mismatch',
    category: 'deployment',
    description:
      'An assertion comparing builds failed (verify, or a web lane reading the build the running app shows): web and API differ, the bundle is not the one version.json names, or not the expected build.',
    match: {
      titlePath: /\bbuild\b/,
      message: /\breports build\b|\bdeployed build\b|\bruns (?:the code of )?build\b|\bversion\.json says build\b/,
    },
  }),
  rule({
    name: 'runner-resources',
    category: 'infrastructure',
    description:
      "The machine running the tests ran out of memory (Node's heap, ENOMEM) or disk (ENOSPC): the runner failed, not the build (before the crash rule: an out-of-memory crash names its cause).",
    match: { message: RUNNER_RESOURCES },
    hint: 'the runner ran out of memory or disk: free it (or give the job more), then run again',
  }),
  rule({
    name: 'target-closed',
    category: 'infrastructure',
    description:
      'The page, context or browser closed under the test ("Target page, context or browser has been closed", "Browser has been closed") without the test\'s own timeout having closed it: the runner lost its browser.',
    match: { message: TARGET_CLOSED },
    when: ({ errors }) => !(errors ?? []).some((m) => TEST_TIMEOUT.test(m)),
    uses: 'the other errors',
    hint: 'the runner lost its browser: run again, with fewer workers if it repeats',
  }),
  rule({
    name: 'runner-crashed',
    category: 'infrastructure',
    description:
      'A browser, page, tab or Playwright worker of the runner died ("Page crashed", "Target crashed", "Target page, context or browser has been closed", "worker process exited unexpectedly", a lost WebDriver session): the runner failed, not the build.',
    match: { message: RUNNER_CRASHED },
    hint: 'a browser or worker of the runner died (often the OOM killer): run again, with fewer workers if it repeats',
  }),
  rule({
    name: 'browser-unavailable',
    category: 'infrastructure',
    description:
      'A browser or WebDriver session could not be started: the browser binary or its host libraries are missing, chromedriver does not match the browser, "DevToolsActivePort file doesn\'t exist", or the Grid has no free slot.',
    match: { message: BROWSER_UNAVAILABLE },
    hint: 'the runner could not start a browser or a WebDriver session: check CHROMIUM_PATH/CHROMEDRIVER_PATH or the Grid (SELENIUM_REMOTE_URL), then run again',
  }),
  rule({
    name: 'credentials-refused',
    category: 'environment',
    description:
      "A credential the pipeline supplies was refused (the database's password, an IAM token): the environment's configuration, not the build; fix the variable that holds it (e.g. the environment's DATABASE_URL_VAR, DATABASE_PASSWORD_COMMAND).",
    match: { message: CREDENTIALS_REFUSED },
  }),
  rule({
    name: 'connection-failed',
    category: 'environment',
    description:
      'The target refused or dropped the connection, in any driver\'s words (ECONNREFUSED, ECONNRESET, net::ERR_CONNECTION_*, NS_ERROR_CONNECTION_REFUSED, WebKit\'s "Could not connect to server", node-postgres\' "Connection terminated unexpectedly", PostgreSQL\'s "too many clients", "the database system is starting up").',
    match: { message: CONNECTION },
  }),
  rule({
    name: 'dns',
    category: 'environment',
    description:
      "The target's host name does not resolve (ENOTFOUND, EAI_AGAIN, net::ERR_NAME_NOT_RESOLVED, NS_ERROR_UNKNOWN_HOST, WebKit's wording).",
    match: { message: DNS },
  }),
  rule({
    name: 'tls',
    category: 'environment',
    description:
      "The target's TLS failed: an expired, self-signed, untrusted or mismatched certificate, or a broken handshake (net::ERR_CERT_*, ERR_SSL_PROTOCOL_ERROR, CERT_HAS_EXPIRED, UNABLE_TO_VERIFY_LEAF_SIGNATURE, SEC_ERROR_*). The environment's certificate, not the build under test.",
    match: { message: TLS },
  }),
  rule({
    name: 'gateway-error',
    category: 'environment',
    description:
      'A 502, 503 or 504 answer: a proxy without its upstream, a service not up ("HTTP 503", axios\' "Request failed with status code 503").',
    match: { message: GATEWAY },
  }),
  rule({
    name: 'html-not-json',
    category: 'environment',
    description:
      'A response body that is an HTML page where JSON was expected ("Unexpected token \'<\'", "<!DOCTYPE … is not valid JSON"): a proxy\'s error page or a route that misses the API, not the test\'s code (before `script-error`).',
    match: { message: HTML_NOT_JSON },
  }),
  rule({
    name: 'target-timeout',
    category: 'environment',
    description:
      'A request or navigation to the target got no answer in time, also when the test\'s own timeout cut it off (page.goto, a request, axios\' "timeout of N ms exceeded", ETIMEDOUT); not a locator waiting for an element.',
    match: { message: TARGET_TIMEOUT },
  }),
  rule({
    name: 'seed-failed',
    category: 'test-data',
    description: 'The `seed` setup project failed: this run has no (or partial) data.',
    match: { project: /^seed$/ },
  }),
  rule({
    name: 'manifest',
    category: 'test-data',
    description: "The run's seed manifest is missing or unreadable, or a read-only environment names no canary records.",
    match: { message: /\bseed manifest\b|\bmanifest\.json\b|\bcanary records\b|\bNo seeded data\b/ },
  }),
  rule({
    name: 'manifest-unreadable',
    category: 'test-data',
    description: "An error raised while reading the manifest (e.g. a torn file's JSON SyntaxError; before the automation rules).",
    match: { stack: /\bat readManifest \(|[/\\]seed[/\\]manifest\.ts:\d+/ },
  }),
  rule({
    name: 'strict-locator',
    category: 'automation',
    description: 'A locator matched several elements (Playwright\'s "strict mode violation"): the test must say which one.',
    match: { message: /\bstrict mode violation\b/ },
  }),
  rule({
    name: 'stale-or-intercepted',
    category: 'automation',
    description:
      'The test lost a race with the page: a stale element (selenium\'s StaleElementReferenceError, "element is not attached to the DOM") or a click another element took (ElementClickInterceptedError, "intercepts pointer events"). The test must wait for the page to settle; when it passes and fails on the same build, `flipping` calls it flaky.',
    match: { message: STALE_OR_INTERCEPTED },
  }),
  rule({
    name: 'script-error',
    category: 'automation',
    description:
      "The test code threw a TypeError, ReferenceError, SyntaxError or RangeError (not a JSON parse error of a response body: that is the response's fault).",
    match: {
      message:
        /^(Error: )?(TypeError|ReferenceError|RangeError|SyntaxError(?![^\n]*(\bJSON\b|\bUnexpected end of (JSON )?input\b|\bUnexpected token\b[^\n]*\bin JSON\b))(?!:[^\n]*\bis not valid JSON\b))\b/,
    },
  }),
  rule({
    name: 'flipping',
    category: 'flaky',
    description:
      "The test's pass/fail status changed at least FLAKY_FLIPS times within the last FLAKY_WINDOW runs of the same build in this environment, this run included. A failure that comes with a new build is a regression (`product`), not flakiness.",
    when: ({ flips, policy }) => flips >= policy.flakyFlips,
    uses: 'history',
  }),
  rule({
    name: 'product',
    category: 'product',
    description:
      'Everything else: the product does not do what the test expects. `new` when the test passed the last time it ran here (or never ran), `recurring` when it failed then too.',
    when: () => true,
    uses: 'history (novelty)',
  }),
];

/** The table as Markdown, for the README: one row per rule, in order. */
export function rulesMarkdown(rules: readonly TriageRule[] = RULES): string {
  const rows = rules.map((r, i) => {
    const looksAt = [...Object.keys(r.match ?? {}), ...(r.uses ? [r.uses] : [])].join(', ');
    return `| ${i + 1} | \`${r.name}\` | ${r.category} | ${looksAt} | ${r.description.replaceAll('|', '\\|')} |`;
  });
  return ['| # | rule | category | looks at | when |', '|---|---|---|---|---|', ...rows].join('\n');
}
