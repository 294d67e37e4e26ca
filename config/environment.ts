/**
 * Environments, parsed once at the edge. Sources, strongest first: flags, the process
 * environment (keys prefixed TOLLGATE_, e.g. TOLLGATE_READ_ONLY), the git-ignored
 * `.env.<name>.local`, the committed `config/environments/<name>.env`. Secrets (the database
 * URL, DATABASE_PASSWORD_COMMAND) come only from the process environment or the local file.
 * Every problem is collected, with its file and key, before anything runs.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { z } from 'zod';
import { ConfigError } from './errors.ts';
import { DEFAULT_POLICY, parseSuites, SUITE_CHOICES, type Policy, type SuiteChoice } from './policy.ts';
import { REPO_ROOT } from './paths.ts';
import { localStack, onDemandStack, onDemandStackDir } from '../stack/state.ts';

export const ENVIRONMENTS_DIR = join(REPO_ROOT, 'config', 'environments');

export interface Environment {
  name: string;
  description: string;
  webURL: string | undefined;
  apiURL: string | undefined;
  readOnly: boolean;
  /** Name of the variable holding the database URL (its value is a secret). */
  databaseUrlVar: string;
  /** Undefined when neither the variable nor (for `local`) the stack provides one. */
  databaseUrl: string | undefined;
  databasePasswordCommand: string | undefined;
  nextEnv: string | undefined;
  /** How long readiness polling may take before the run is declared not ready. */
  readyTimeoutMs: number;
  /** Records that exist in a READ_ONLY environment for read-only checks. */
  canary: { genuineCode?: string; revokedCode?: string; unknownCode?: string };
  /** Suites `tollgate run` runs when --suite is not given. */
  suites: SuiteChoice[];
  policy: Policy;
  slack: {
    /** When a run posts: every run, only when the verdict is not PROMOTE, or never. */
    notify: 'always' | 'not-promote' | 'never';
    /** Secrets, from the process environment or the local file only. */
    webhookUrl: string | undefined;
    botToken: string | undefined;
    channel: string | undefined;
  };
  /** Keep Playwright traces (scrubbed) in the reports; READ_ONLY environments default to not. */
  keepTraces: boolean;
  /** RESULTS_DATABASE_URL (secret): the results store; undefined = the embedded store. */
  resultsDatabaseUrl: string | undefined;
  /**
   * The stack directory of an on-demand environment (`tollgate env up`): it is gated exactly like
   * `local`, with its own stack's URLs, database and admin. Undefined for configured environments.
   */
  onDemandStack?: string;
  /** Promotion into it needs a person's approval recorded (`tollgate approve`), as production does. */
  requiresApproval?: boolean;
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** Flag values, strongest of all (same keys as the files). */
  flags?: Record<string, string | undefined>;
  dir?: string;
  localDir?: string;
}

const KEYS = [
  'DESCRIPTION',
  'WEB_URL',
  'API_URL',
  'READ_ONLY',
  'DATABASE_URL_VAR',
  'NEXT_ENV',
  'READY_TIMEOUT',
  'CANARY_GENUINE_CODE',
  'CANARY_REVOKED_CODE',
  'CANARY_UNKNOWN_CODE',
  'SUITES',
  'MIN_PASS_RATE',
  'MIN_TESTS',
  'ON_RETRY_PASS',
  'ACCEPT_WARN',
  'PROMOTION_MAX_AGE_DAYS',
  'FLAKY_FLIPS',
  'FLAKY_WINDOW',
  'SLACK_NOTIFY',
  'SLACK_CHANNEL',
  'KEEP_TRACES',
  'REQUIRES_APPROVAL',
] as const;
type Key = (typeof KEYS)[number];

const TAG_CODE = /^TT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/;
const httpUrl = z.string().refine((v) => /^https?:\/\/[^\s/]+/.test(v) && URL.canParse(v), 'must be an http(s) URL');
const schema = z.object({
  DESCRIPTION: z.string().optional(),
  WEB_URL: httpUrl.optional(),
  API_URL: httpUrl.optional(),
  READ_ONLY: z.enum(['true', 'false'], { message: 'must be true or false' }),
  DATABASE_URL_VAR: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be an environment variable name (A-Z, 0-9, _)'),
  NEXT_ENV: z.string().optional(),
  READY_TIMEOUT: z.string().regex(/^\d+$/, 'must be a number of seconds').optional(),
  CANARY_GENUINE_CODE: z.string().regex(TAG_CODE, 'must be a tag code like TT-XXXX-XXXX-C').optional(),
  CANARY_REVOKED_CODE: z.string().regex(TAG_CODE, 'must be a tag code like TT-XXXX-XXXX-C').optional(),
  CANARY_UNKNOWN_CODE: z.string().regex(TAG_CODE, 'must be a tag code like TT-XXXX-XXXX-C').optional(),
  SUITES: z
    .string()
    .refine((v) => parseSuites(v) !== undefined, `must be a comma-separated list of ${SUITE_CHOICES.join(', ')} (demo alone)`)
    .optional(),
  MIN_PASS_RATE: z
    .string()
    .refine((v) => /^(0(\.\d+)?|1(\.0+)?)$/.test(v), 'must be a number from 0 to 1')
    .optional(),
  MIN_TESTS: z.string().regex(/^\d+$/, 'must be a whole number').optional(),
  ON_RETRY_PASS: z.enum(['warn', 'block'], { message: 'must be warn or block' }).optional(),
  ACCEPT_WARN: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
  PROMOTION_MAX_AGE_DAYS: z.string().regex(/^\d+$/, 'must be a whole number of days').optional(),
  FLAKY_FLIPS: z
    .string()
    .regex(/^[1-9]\d*$/, 'must be a positive whole number')
    .optional(),
  FLAKY_WINDOW: z
    .string()
    .regex(/^[1-9]\d*$/, 'must be a positive whole number')
    .optional(),
  SLACK_NOTIFY: z.enum(['always', 'not-promote', 'never'], { message: 'must be always, not-promote or never' }).optional(),
  SLACK_CHANNEL: z
    .string()
    .regex(/^[#@]?[\w.-]+$/, 'must be a channel name or id')
    .optional(),
  KEEP_TRACES: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
  REQUIRES_APPROVAL: z.enum(['true', 'false'], { message: 'must be true or false' }).optional(),
});

export function knownEnvironments(dir = ENVIRONMENTS_DIR): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.env'))
        .map((f) => f.slice(0, -4))
        .sort()
    : [];
}

function readEnvFile(file: string): Record<string, string> {
  return existsSync(file) ? parseDotenv(readFileSync(file)) : {};
}

/** postgres:// or postgresql:// with a host and a database; the message never shows the value. */
export function databaseUrlProblem(value: string): string | undefined {
  try {
    const u = new URL(value);
    if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') return 'must start with postgresql://';
    if (!u.hostname) return 'has no host';
    if (u.pathname.length <= 1) return 'names no database (postgresql://user@host:5432/DATABASE)';
    return undefined;
  } catch {
    return 'is not a URL (expected postgresql://user:password@host:5432/database)';
  }
}

/**
 * The committed values an on-demand environment starts from: `local`'s (it is the same reference
 * stack), outside the promotion path, its database from its own stack unless ONDEMAND_DATABASE_URL.
 */
function onDemandValues(name: string, dir: string): Record<string, string> {
  const { NEXT_ENV: _next, ...local } = readEnvFile(join(dir, 'local.env'));
  return { ...local, DESCRIPTION: `On-demand environment ${name}`, READ_ONLY: 'false', DATABASE_URL_VAR: 'ONDEMAND_DATABASE_URL' };
}

export function loadEnvironment(name: string, options: LoadOptions = {}): Environment {
  const env = options.env ?? process.env;
  const dir = options.dir ?? ENVIRONMENTS_DIR;
  const known = knownEnvironments(dir);
  const onDemand = known.includes(name) ? undefined : onDemandStack(name, env);
  if (!known.includes(name) && !onDemand?.state) {
    throw new ConfigError(`Unknown environment "${name}". Known: ${known.join(', ')}, or an on-demand one (\`tollgate env list\`).`, {
      hint: `Add ${relative(REPO_ROOT, join(dir, `${name}.env`))} to define it, or create it with \`npx tollgate env up ${name}\`.`,
    });
  }
  const committedFile = join(dir, `${onDemand ? 'local' : name}.env`);
  const localFile = join(options.localDir ?? REPO_ROOT, `.env.${name}.local`);
  const committed = onDemand ? onDemandValues(name, dir) : readEnvFile(committedFile);
  const local = readEnvFile(localFile);
  const problems: string[] = [];
  const where = (key: string): string => {
    if (options.flags?.[key] !== undefined) return 'flag';
    if (env[`TOLLGATE_${key}`] !== undefined) return `TOLLGATE_${key}`;
    return relative(REPO_ROOT, key in local ? localFile : committedFile);
  };

  for (const key of Object.keys(committed)) {
    if (!(KEYS as readonly string[]).includes(key))
      problems.push(`${key} is not a known key (${relative(REPO_ROOT, committedFile)}); known: ${KEYS.join(', ')}`);
  }
  const merged: Partial<Record<Key, string>> = {};
  for (const key of KEYS) {
    const value = options.flags?.[key] ?? env[`TOLLGATE_${key}`] ?? local[key] ?? committed[key];
    if (value !== undefined && value !== '') merged[key] = value.trim();
  }
  // Safety: production's committed READ_ONLY=true cannot be lifted by any override.
  if (committed.READ_ONLY === 'true' && merged.READ_ONLY !== 'true') {
    problems.push(
      `READ_ONLY is true in ${relative(REPO_ROOT, committedFile)} and cannot be overridden (${where('READ_ONLY')} sets it to "${merged.READ_ONLY}")`,
    );
  }
  if (committed.REQUIRES_APPROVAL === 'true' && merged.REQUIRES_APPROVAL !== 'true') {
    problems.push(
      `REQUIRES_APPROVAL is true in ${relative(REPO_ROOT, committedFile)} and cannot be overridden (${where('REQUIRES_APPROVAL')} sets it to "${merged.REQUIRES_APPROVAL}")`,
    );
  }
  const parsed = schema.safeParse(merged);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = String(issue.path[0]);
      const got = merged[key as Key];
      problems.push(`${key} ${got === undefined ? 'is required' : `${issue.message}, got "${got}"`} (${where(key)})`);
    }
  }
  const secret = (key: string) => (env[key] ?? local[key]) || undefined;
  const webhookUrl = secret('SLACK_WEBHOOK_URL');
  if (webhookUrl && !/^https?:\/\/[^\s/]+\/\S*$/.test(webhookUrl))
    problems.push(
      `SLACK_WEBHOOK_URL must be an http(s) URL (${'SLACK_WEBHOOK_URL' in env ? 'process environment' : relative(REPO_ROOT, localFile)})`,
    );
  const resultsDatabaseUrl = secret('RESULTS_DATABASE_URL');
  if (resultsDatabaseUrl) {
    const problem = databaseUrlProblem(resultsDatabaseUrl);
    if (problem)
      problems.push(
        `RESULTS_DATABASE_URL ${problem} (${'RESULTS_DATABASE_URL' in env ? 'process environment' : relative(REPO_ROOT, localFile)})`,
      );
  }
  if (merged.NEXT_ENV && !known.includes(merged.NEXT_ENV)) {
    problems.push(`NEXT_ENV must be one of ${known.join(', ')}, got "${merged.NEXT_ENV}" (${where('NEXT_ENV')})`);
  }

  const urlVar = merged.DATABASE_URL_VAR ?? '';
  let databaseUrl = (urlVar && (env[urlVar] ?? local[urlVar])) || undefined;
  if (!databaseUrl && name === 'local') databaseUrl = localStackDatabaseUrl(env);
  if (!databaseUrl && onDemand) databaseUrl = onDemand.state?.databaseUrl;
  if (databaseUrl) {
    const problem = databaseUrlProblem(databaseUrl);
    if (problem) problems.push(`${urlVar} ${problem} (${urlVar in env ? 'process environment' : relative(REPO_ROOT, localFile)})`);
  }
  if (problems.length) {
    throw new ConfigError(`Environment "${name}" is misconfigured:\n  - ${problems.join('\n  - ')}`, {
      hint: `Fix the values above in ${relative(REPO_ROOT, committedFile)}, ${relative(REPO_ROOT, localFile)} or the process environment.`,
    });
  }
  return {
    name,
    description: merged.DESCRIPTION ?? name,
    webURL: merged.WEB_URL,
    apiURL: merged.API_URL,
    readOnly: merged.READ_ONLY === 'true',
    databaseUrlVar: urlVar,
    databaseUrl,
    databasePasswordCommand: env.DATABASE_PASSWORD_COMMAND || local.DATABASE_PASSWORD_COMMAND || undefined,
    nextEnv: merged.NEXT_ENV,
    readyTimeoutMs: Number(merged.READY_TIMEOUT ?? 120) * 1000,
    canary: { genuineCode: merged.CANARY_GENUINE_CODE, revokedCode: merged.CANARY_REVOKED_CODE, unknownCode: merged.CANARY_UNKNOWN_CODE },
    suites: parseSuites(merged.SUITES ?? 'smoke,regression')!,
    policy: {
      minPassRate: merged.MIN_PASS_RATE !== undefined ? Number(merged.MIN_PASS_RATE) : DEFAULT_POLICY.minPassRate,
      minTests: merged.MIN_TESTS !== undefined ? Number(merged.MIN_TESTS) : DEFAULT_POLICY.minTests,
      onRetryPass: (merged.ON_RETRY_PASS as Policy['onRetryPass'] | undefined) ?? DEFAULT_POLICY.onRetryPass,
      acceptWarn: merged.ACCEPT_WARN !== undefined ? merged.ACCEPT_WARN === 'true' : DEFAULT_POLICY.acceptWarn,
      promotionMaxAgeDays:
        merged.PROMOTION_MAX_AGE_DAYS !== undefined ? Number(merged.PROMOTION_MAX_AGE_DAYS) : DEFAULT_POLICY.promotionMaxAgeDays,
      flakyFlips: merged.FLAKY_FLIPS !== undefined ? Number(merged.FLAKY_FLIPS) : DEFAULT_POLICY.flakyFlips,
      flakyWindow: merged.FLAKY_WINDOW !== undefined ? Number(merged.FLAKY_WINDOW) : DEFAULT_POLICY.flakyWindow,
    },
    slack: {
      notify: (merged.SLACK_NOTIFY as Environment['slack']['notify'] | undefined) ?? 'not-promote',
      webhookUrl,
      botToken: secret('SLACK_BOT_TOKEN'),
      channel: merged.SLACK_CHANNEL,
    },
    keepTraces: merged.KEEP_TRACES !== undefined ? merged.KEEP_TRACES === 'true' : merged.READ_ONLY !== 'true',
    resultsDatabaseUrl,
    requiresApproval: merged.REQUIRES_APPROVAL === 'true',
    ...(onDemand ? { onDemandStack: onDemandStackDir(name, env) } : {}),
  };
}

/** The environment whose NEXT_ENV is `name`: where a build must have passed before it enters `name`. */
export function previousEnvironment(name: string, dir = ENVIRONMENTS_DIR): string | undefined {
  return knownEnvironments(dir).find((other) => readEnvFile(join(dir, `${other}.env`)).NEXT_ENV === name);
}

/** The promotion order, e.g. ['local', 'dev', 'staging', 'prod'], following NEXT_ENV from the start. */
export function promotionOrder(dir = ENVIRONMENTS_DIR): string[] {
  const known = knownEnvironments(dir);
  const next = new Map(known.map((n) => [n, readEnvFile(join(dir, `${n}.env`)).NEXT_ENV || undefined]));
  const targets = new Set([...next.values()].filter(Boolean));
  const start = known.find((n) => !targets.has(n));
  const order: string[] = [];
  for (let at = start; at && !order.includes(at); at = next.get(at)) order.push(at);
  return order;
}

function localStackDatabaseUrl(env: NodeJS.ProcessEnv): string | undefined {
  return localStack(env).state?.databaseUrl;
}
