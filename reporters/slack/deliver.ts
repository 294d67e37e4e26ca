/**
 * Delivery of a built message: an incoming webhook, or a bot token (`chat.postMessage`, then the
 * details as a thread reply). Retries with p-retry on what Slack says is transient (5xx, 429,
 * timeouts, dropped connections) and stops at once on what it says is our fault (400, 403, 404,
 * `ok:false`). Never throws: a Slack outage must not change a verdict or an exit code.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pRetry, { AbortError } from 'p-retry';
import { officialSender, type SlackAnswer, type SlackSender } from './clients.ts';

export type { SlackAnswer, SlackSender };
import type { SlackMessage, SlackPart } from './message.ts';
import { clip } from '../../lib/text.ts';

export interface SlackDestination {
  /** Secret. */
  webhookUrl?: string;
  /** Secret. */
  botToken?: string;
  channel?: string;
  /** Slack's Web API base; tests point it at a local server. */
  apiBase?: string;
}

export interface PostOptions {
  /** How to send (default: Slack's official clients, reporters/slack/clients.ts). */
  send?: SlackSender;
  /** Per attempt, including reading the answer. */
  timeoutMs?: number;
  retries?: number;
  log?: (line: string) => void;
  /** The longest Retry-After honoured; a longer one is waited this long. */
  maxRetryAfterMs?: number;
  /** p-retry's first backoff (doubles each retry, up to maxBackoffMs). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface Delivery {
  delivered: boolean;
  /** HTTP requests made for this message. */
  attempts: number;
  /** The last HTTP status Slack answered with. */
  status?: number;
  error?: string;
}

export interface PostResult extends Delivery {
  /** The thread reply (bot token only), when the message had one and was delivered. */
  thread?: Delivery;
}

const DEFAULTS = {
  send: officialSender,
  timeoutMs: 10_000,
  retries: 4,
  maxRetryAfterMs: 30_000,
  minBackoffMs: 1000,
  maxBackoffMs: 15_000,
  apiBase: 'https://slack.com/api',
};

/** One failed attempt; `retryAfterMs` when Slack said how long to wait. */
class AttemptError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Slack rejected the request itself: sending it again gives the same answer. */
const rejected = (message: string) => new AbortError(new RejectedError(`${message} (not retried: Slack rejected the request)`));
class RejectedError extends Error {}

/** Removes the secrets from any text that may reach a log or the result (fetch errors can quote the URL). */
function scrubber(dest: SlackDestination): (text: string) => string {
  const secrets = [dest.webhookUrl, dest.webhookUrl && safePath(dest.webhookUrl), dest.botToken].filter(
    (s): s is string => !!s && s.length > 3,
  );
  return (text) => secrets.reduce((out, secret) => out.split(secret).join('[secret]'), text);
}

function safePath(url: string): string | undefined {
  try {
    const path = new URL(url).pathname;
    return path.length > 1 ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Retry-After is seconds (Slack) or an HTTP date; undefined when absent or unreadable. */
function retryAfterMs(header: string | null, cap: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), cap) : undefined;
}

interface Request {
  url: string;
  headers: Record<string, string>;
  body: unknown;
  /** How this destination is named in logs: never the URL or the token. */
  name: string;
  /** Web API: HTTP 200 with `{ok:false}` is a failure. */
  api: boolean;
}

type Sent = Delivery & { json?: Record<string, unknown> };

async function send(
  req: Request,
  opts: Required<Omit<PostOptions, 'log'>> & { log: (line: string) => void },
  scrub: (t: string) => string,
): Promise<Sent> {
  let attempts = 0;
  let status: number | undefined;
  const log = (line: string) => opts.log(scrub(line));

  const attempt = async (): Promise<Record<string, unknown> | undefined> => {
    attempts++;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), opts.timeoutMs);
    let res: SlackAnswer;
    try {
      res = await opts.send(req.url, {
        headers: { 'content-type': 'application/json; charset=utf-8', ...req.headers },
        body: JSON.stringify(req.body),
        signal: abort.signal,
      });
    } catch (e) {
      if (abort.signal.aborted) throw new AttemptError(`no answer within ${opts.timeoutMs} ms`);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new AttemptError(`connection failed (${cause?.code ?? cause?.message ?? (e as Error).message})`);
    } finally {
      clearTimeout(timer);
    }
    status = res.status;
    const text = res.text;
    const wait = retryAfterMs(res.retryAfter, opts.maxRetryAfterMs);
    if (res.status === 429)
      throw new AttemptError(`rate limited (HTTP 429${wait !== undefined ? `, Retry-After ${res.retryAfter}` : ''})`, wait);
    if (res.status >= 500) throw new AttemptError(`HTTP ${res.status} ${clip(text.trim(), 200)}`.trim());
    if (res.status < 200 || res.status >= 300) throw rejected(`HTTP ${res.status} ${clip(text.trim(), 500)}`);
    if (!req.api) return undefined; // a webhook answers 200 "ok"
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new AttemptError(`HTTP ${res.status} with a body that is not JSON: ${clip(text, 200)}`);
    }
    if (json.ok === true) return json;
    const error = String(json.error ?? 'unknown_error');
    if (error === 'ratelimited') throw new AttemptError('rate limited (ok:false ratelimited)', wait);
    throw rejected(`ok:false ${error}`);
  };

  try {
    const json = await pRetry(attempt, {
      retries: opts.retries,
      minTimeout: opts.minBackoffMs,
      maxTimeout: opts.maxBackoffMs,
      factor: 2,
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        log(`${req.name}: attempt ${attemptNumber} failed: ${error.message}${retriesLeft > 0 ? '; retrying' : ''}`);
        // Slack's Retry-After is a minimum; p-retry's own backoff then adds its (small) delay.
        const wait = (error as AttemptError).retryAfterMs;
        if (retriesLeft > 0 && wait) await sleep(wait);
      },
    });
    log(`${req.name}: delivered (attempt ${attempts})`);
    return { delivered: true, attempts, ...(status !== undefined ? { status } : {}), ...(json ? { json } : {}) };
  } catch (e) {
    const error = scrub(e instanceof Error ? e.message : String(e));
    // onFailedAttempt is skipped for an AbortError: this is the only line saying why.
    if (e instanceof RejectedError) log(`${req.name}: ${error}`);
    log(`${req.name}: not delivered after ${attempts} attempt${attempts === 1 ? '' : 's'}`);
    return { delivered: false, attempts, ...(status !== undefined ? { status } : {}), error };
  }
}

/** Which destination a run posts to: a bot token (which can thread) wins over a webhook. */
function destinationProblem(dest: SlackDestination): string | undefined {
  if (dest.botToken && dest.channel) return undefined;
  if (dest.webhookUrl) {
    try {
      const url = new URL(dest.webhookUrl);
      return url.protocol === 'http:' || url.protocol === 'https:' ? undefined : 'the Slack webhook URL is not an http(s) URL';
    } catch {
      return 'the Slack webhook URL is not a valid URL';
    }
  }
  if (dest.botToken) return 'a Slack bot token needs a channel: set SLACK_CHANNEL';
  return 'no Slack destination: set SLACK_WEBHOOK_URL, or SLACK_BOT_TOKEN and SLACK_CHANNEL';
}

export async function postToSlack(message: SlackMessage, dest: SlackDestination, options: PostOptions = {}): Promise<PostResult> {
  const scrub = scrubber(dest);
  const opts = { ...DEFAULTS, log: (line: string) => console.error(line), ...stripUndefined(options) };
  try {
    const problem = destinationProblem(dest);
    if (problem) {
      opts.log(problem);
      return { delivered: false, attempts: 0, error: problem };
    }
    const part = (p: SlackPart) => ({ text: p.text, blocks: p.blocks });
    if (!(dest.botToken && dest.channel)) {
      return stripJson(
        await send({ url: dest.webhookUrl!, headers: {}, body: part(message), name: 'Slack webhook', api: false }, opts, scrub),
      );
    }
    const api = `${(dest.apiBase ?? DEFAULTS.apiBase).replace(/\/+$/, '')}/chat.postMessage`;
    const headers = { authorization: `Bearer ${dest.botToken}` };
    const name = `Slack ${dest.channel}`;
    const main = await send({ url: api, headers, body: { channel: dest.channel, ...part(message) }, name, api: true }, opts, scrub);
    const ts = main.json?.ts;
    if (!main.delivered || !message.thread || typeof ts !== 'string') return stripJson(main);
    // Replies must name the channel by id, which Slack returns; the configured name may be `#name`.
    const channel = typeof main.json?.channel === 'string' ? main.json.channel : dest.channel;
    const thread = await send(
      { url: api, headers, body: { channel, thread_ts: ts, ...part(message.thread) }, name: `${name} (thread)`, api: true },
      opts,
      scrub,
    );
    return { ...stripJson(main), thread: stripJson(thread) };
  } catch (e) {
    // Unreachable by design (send catches); kept so a bug here still cannot fail the run.
    const error = scrub(e instanceof Error ? e.message : String(e));
    opts.log(`Slack: ${error}`);
    return { delivered: false, attempts: 0, error };
  }
}

function stripJson({ json: _json, ...rest }: Sent): Delivery {
  return rest;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Writes `<dir>/slack.json` (the payload as built, already redacted) and returns its path. */
export function saveSlackPayload(message: SlackMessage, dir: string, name = 'slack.json'): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, `${JSON.stringify(message, null, 2)}\n`, { mode: 0o644 });
  chmodSync(path, 0o644); // mode applies only on creation, and the umask may have narrowed it
  return path;
}
