/**
 * One redactor for everything Tollgate publishes: console logs, results, Allure files, reports,
 * Slack payloads and traces. Two layers: the values of secrets we know (from configuration, the
 * stack and the run's manifest) are replaced wherever and however they appear; and values in
 * places that hold secrets by their nature (Authorization/Cookie headers, `password`/`token`
 * fields, bearer tokens, URL passwords, Slack webhooks and tokens) are masked even when we do
 * not know them — a password a test typed or a token the API returned.
 *
 * Every text rule replaces characters inside one JSON string and never a quote or a backslash,
 * so redacted JSON (and a trace's JSON lines) still parses.
 */
import type { Environment } from '../config/environment.ts';
import { escapeRegExp } from '../lib/text.ts';
import type { Manifest } from '../seed/manifest.ts';
import { localStack, onDemandStack } from '../stack/state.ts';

export const MASK = '[REDACTED]';

export interface Redactor {
  text(s: string): string;
  /** A deep copy (plain objects and arrays) with redacted strings and secret-named fields masked. */
  json<T>(value: T): T;
  readonly secrets: readonly string[];
}

/** Field, parameter and header names whose values are secrets, whatever the value. */
const SECRET_NAME = String.raw`(?:(?:new|old|current|confirm)[_-]?)?pass(?:word|wd)|(?:(?:access|refresh|id|auth|session|csrf|api|bearer)[_-]?)?token|(?:client[_-]?)?secret(?:[_-]?key)?|(?:x-)?api[_-]?key|(?:proxy-)?authorization|(?:set-)?cookie`;
const SECRET_NAME_RE = new RegExp(`^(?:${SECRET_NAME})$`, 'i');
/** A selector that targets a password-like field: what is typed into it is masked. */
const SECRET_SELECTOR_RE = /pass(?:word|wd)|secret|token|pwd/i;
const TYPED_KEYS = new Set(['value', 'text', '__playwright_value_']);

// The contents of a JSON string ("…"), and of a JSON string inside a JSON string (\"…\").
const VALUE = String.raw`[^"\\]*(?:\\.[^"\\]*)*`;
const ESC_VALUE = String.raw`[^"\\]*(?:\\\\(?:\\["\\]|[^"\\])[^"\\]*)*`;

const SLACK_WEBHOOK = /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[^\s"'<>\\]+/gi;
const SLACK_TOKEN = /\bxox[abposer]-[A-Za-z0-9-]+/g;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:/?#@"'\\]*):([^\s/?#@"'\\]+)@/gi;
const FIELD_DQ = new RegExp(`("(?:${SECRET_NAME})"\\s*:\\s*")(${VALUE})"`, 'gi');
const FIELD_SQ = new RegExp(`('(?:${SECRET_NAME})'\\s*:\\s*')([^'\\\\]*(?:\\\\.[^'\\\\]*)*)'`, 'gi');
const FIELD_ESC = new RegExp(`(\\\\"(?:${SECRET_NAME})\\\\"\\s*:\\s*\\\\")(${ESC_VALUE})\\\\"`, 'gi');
// Playwright traces (HAR): headers, cookies, form and query parameters as {"name","value"} pairs.
const PAIR = new RegExp(`("name"\\s*:\\s*"(?:${SECRET_NAME})"\\s*,\\s*"value"\\s*:\\s*")(${VALUE})"`, 'gi');
const PAIR_REV = new RegExp(`("value"\\s*:\\s*")(${VALUE})("\\s*,\\s*"name"\\s*:\\s*"(?:${SECRET_NAME})")`, 'gi');
// Up to the array's end, skipping strings: a `]` in a value (`[REDACTED]`) does not end it.
const COOKIES = new RegExp(`("cookies"\\s*:\\s*\\[)([^\\]"]*(?:"${VALUE}"[^\\]"]*)*)\\]`, 'gi');
const VALUE_FIELD = new RegExp(`("value"\\s*:\\s*")(${VALUE})"`, 'g');
// A flat object that is a password input in a DOM snapshot or a fill/type into a password field.
const TYPING = /\{[^{}]*"(?:type|selector)"\s*:\s*"[^{}]*\}/g;
const TYPED_FIELD = new RegExp(`("(?:value|text|__playwright_value_)"\\s*:\\s*")(${VALUE})"`, 'g');
const SELECTOR = new RegExp(`"selector"\\s*:\\s*"(${VALUE})"`);
const FORM_PARAM = new RegExp(`((?:^|[?&])(?:${SECRET_NAME})=)([^&\\s"'#<\\\\]+)`, 'gim');
const HEADER_LINE = /\b((?:proxy-)?authorization|(?:set-)?cookie|x-api-key)(\s*:\s*)([^\s"\\][^\r\n"\\]*)/gi;
const BEARER = /\b(Bearer)\s+(?!\[REDACTED\])(?!(?:realm|tokens?|scheme|auth\w*)\b)[A-Za-z0-9\-._~+/]+=*/gi;

/** Masks a secret value, keeping an Authorization scheme readable (`Bearer [REDACTED]`). */
function mask(value: string): string {
  if (!value || value === MASK) return value;
  const scheme = /^(Bearer|Basic|Digest|Token|Negotiate)\s+/i.exec(value);
  return scheme ? `${scheme[1]} ${MASK}` : MASK;
}

/** Replacer for rules shaped `(prefix)(value)"`. */
const maskGroup = (_: string, pre: string, value: string) => `${pre}${mask(value)}"`;

/** Values that are never treated as secrets: too short, or placeholders everyone knows. */
const BENIGN = new Set([
  'true',
  'false',
  'yes',
  'no',
  'on',
  'off',
  'null',
  'undefined',
  'none',
  'password',
  'passwd',
  'secret',
  'token',
  'postgres',
  'postgresql',
  'changeme',
  'localhost',
]);
export function isSecretValue(value: string): boolean {
  const v = value.trim();
  return v.length >= 6 && !BENIGN.has(v.toLowerCase()) && !/^-?\d+(\.\d+)?$/.test(v);
}

/** The forms a value takes in what we publish: raw, URL-encoded, form-encoded, JSON- and HTML-escaped. */
function variants(s: string): string[] {
  const json = JSON.stringify(s).slice(1, -1);
  const url = encodeURIComponent(s);
  const html = s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
  return [
    s,
    json,
    JSON.stringify(json).slice(1, -1),
    json.replace(/\//g, '\\/'),
    // Python's json.dumps and Go's encoding/json escape non-ASCII (and Go: <>&) as \u00xx.
    json.replace(/[^\x20-\x7e]|[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    url,
    url.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
    new URLSearchParams({ v: s }).toString().slice(2),
    html,
    html.replace(/&#39;/g, '&#x27;'),
  ];
}

export function createRedactor(secrets: Iterable<string | undefined>): Redactor {
  const known = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && isSecretValue(s)))];
  // One alternation, longest first, so a secret that contains another is replaced whole and
  // the text is scanned once however many secrets there are.
  const forms = [...new Set(known.flatMap(variants))].sort((a, b) => b.length - a.length);
  const knownRe = forms.length ? new RegExp(forms.map(escapeRegExp).join('|'), 'g') : undefined;

  const text = (input: string): string => {
    let s = knownRe ? input.replace(knownRe, MASK) : input;
    s = s.replace(SLACK_WEBHOOK, MASK).replace(SLACK_TOKEN, MASK);
    s = s.replace(URL_PASSWORD, `$1:${MASK}@`);
    s = s
      .replace(FIELD_DQ, maskGroup)
      .replace(FIELD_SQ, (_, pre: string, v: string) => `${pre}${mask(v)}'`)
      .replace(FIELD_ESC, (_, pre: string, v: string) => `${pre}${mask(v)}\\"`);
    s = s.replace(PAIR, maskGroup).replace(PAIR_REV, (_, pre: string, v: string, post: string) => pre + mask(v) + post);
    s = s.replace(COOKIES, (_, pre: string, inner: string) => `${pre}${inner.replace(VALUE_FIELD, maskGroup)}]`);
    s = s.replace(TYPING, (o) => (isTypingSecret(o) ? o.replace(TYPED_FIELD, maskGroup) : o));
    s = s.replace(FORM_PARAM, (_, pre: string, v: string) => pre + mask(v));
    s = s.replace(HEADER_LINE, (_, name: string, sep: string, v: string) => name + sep + mask(v));
    return s.replace(BEARER, `$1 ${MASK}`);
  };

  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return text(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v instanceof Date) return new Date(v.getTime());
    if (!isPlainObject(v)) return v;
    const pair = typeof v.name === 'string' && SECRET_NAME_RE.test(v.name);
    const typing = v.type === 'password' || (typeof v.selector === 'string' && SECRET_SELECTOR_RE.test(v.selector));
    // fromEntries, not assignment: a "__proto__" key stays data instead of becoming a prototype.
    return Object.fromEntries(
      Object.entries(v).map(([k, raw]) => {
        let x = walk(raw);
        if (typeof x === 'string' && (SECRET_NAME_RE.test(k) || (pair && k === 'value') || (typing && TYPED_KEYS.has(k)))) x = mask(x);
        if (k.toLowerCase() === 'cookies' && Array.isArray(x)) {
          x = x.map((c) => (isPlainObject(c) && typeof c.value === 'string' ? { ...c, value: mask(c.value) } : c));
        }
        return [text(k), x];
      }),
    );
  };

  return { text, json: <T>(value: T) => walk(value) as T, secrets: Object.freeze(known) };
}

function isTypingSecret(object: string): boolean {
  if (/"type"\s*:\s*"password"/i.test(object)) return true;
  const selector = SELECTOR.exec(object)?.[1];
  return selector !== undefined && SECRET_SELECTOR_RE.test(selector);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Variable names whose values are secrets: PGPASSWORD, GITHUB_TOKEN, SLACK_WEBHOOK_URL, API_KEY… */
const SECRET_VAR =
  /PASSWORD|PASSWD|TOKEN|SECRET|WEBHOOK|COOKIE|CREDENTIAL|APIKEY|PRIVATE|DATABASE_URL|(?:^|_)(?:KEY|AUTH|PASS|DSN)(?:_|$)/i;

/** The password of a URL with credentials, as written and decoded (`postgresql://u:p%40ss@h/db`). */
function urlPasswords(url: string): string[] {
  const userinfo = /^[a-z][a-z0-9+.-]*:\/\/([^/?#\s]*)@/i.exec(url.trim())?.[1];
  const colon = userinfo?.indexOf(':') ?? -1;
  if (!userinfo || colon < 0) return [];
  const raw = userinfo.slice(colon + 1);
  try {
    return [raw, decodeURIComponent(raw)];
  } catch {
    return [raw]; // a stray % that is not an escape: the raw form is what appears anyway
  }
}

/** Passwords of the run's seeded users, for `collectSecrets({ manifestPasswords })`. */
export function manifestPasswords(manifest: Pick<Manifest, 'users'>): string[] {
  return Object.values(manifest.users)
    .flat()
    .map((u) => u.password);
}

/**
 * Every secret value Tollgate knows of for this run: secret-looking process variables, database
 * URLs and their passwords, Slack credentials, the local stack's secrets and the seeded users'
 * passwords. Short and placeholder values are left out (see isSecretValue).
 */
export function collectSecrets(opts: {
  env?: NodeJS.ProcessEnv;
  environment?: Environment;
  manifestPasswords?: string[];
  extra?: string[];
}): string[] {
  const env = opts.env ?? process.env;
  const found = new Set<string>();
  const add = (v: string | undefined) => {
    if (v && isSecretValue(v)) found.add(v);
  };
  const addUrl = (url: string | undefined) => {
    if (!url) return;
    add(url);
    urlPasswords(url).forEach(add);
  };
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_VAR.test(name)) add(value);
    if (/DATABASE_URL$/i.test(name) || /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*:[^/?#\s]*@/i.test(value)) addUrl(value);
  }
  const e = opts.environment;
  if (e) {
    addUrl(e.databaseUrl);
    addUrl(e.resultsDatabaseUrl);
    add(e.slack.webhookUrl);
    add(e.slack.botToken);
  }
  // The local stack's secrets live in its directory, not the environment (stack/state.ts); so do
  // an on-demand environment's.
  const onDemand = e?.onDemandStack ? onDemandStack(e.name, env) : undefined;
  const stacks = onDemand ? [localStack(env), onDemand] : [localStack(env)];
  for (const stack of stacks) {
    addUrl(stack.state?.databaseUrl);
    for (const key of ['adminPassword', 'secretKey', 'dbPassword'] as const) add(stack.secrets?.[key]);
  }
  opts.manifestPasswords?.forEach(add);
  opts.extra?.forEach(add);
  return [...found].sort();
}
