/**
 * The HTTP leg of a Slack post through Slack's official clients: `@slack/webhook` for an
 * incoming webhook, `@slack/web-api` for the bot token. Their own retries are off: the policy
 * (retry on 5xx, 429 and dropped connections, honouring Retry-After; never on 400 or ok:false)
 * stays in deliver.ts, which reads each answer this sender gives back as Slack's status, body
 * and Retry-After.
 */
import { ErrorCode as ApiError, WebClient, type Logger, type WebClientOptions } from '@slack/web-api';
import { ErrorCode as WebhookError, IncomingWebhook } from '@slack/webhook';
import { Agent as HttpAgent, type Agent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/** What a sender returns for one POST: Slack's status, body and Retry-After header. */
export interface SlackAnswer {
  status: number;
  text: string;
  retryAfter: string | null;
}

/** One HTTP POST of a JSON body. The real one is `officialSender`; tests pass an in-memory one. */
export type SlackSender = (
  url: string,
  init: { headers: Record<string, string>; body: string; signal: AbortSignal },
) => Promise<SlackAnswer>;

/** The clients log nothing of their own: deliver.ts says what happened, without secrets. */
const silent: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => 'error' as ReturnType<Logger['getLevel']>,
  setName: () => {},
};

/** Each attempt's own cap; deliver.ts's (shorter) timeout ends it first, through the signal. */
const CLIENT_TIMEOUT_MS = 60_000;

/** A failure before any answer (refused, reset, DNS): deliver.ts reads `cause.code`. */
function connectionError(original: unknown): Error {
  const o = original as { code?: string; message?: string; cause?: { code?: string } };
  return new Error(o.message ?? 'request failed', { cause: { code: o.code ?? o.cause?.code, message: o.message } });
}

const bodyText = (data: unknown) => (typeof data === 'string' ? data : JSON.stringify(data ?? ''));

async function viaWebhook(url: string, payload: Record<string, unknown>, agent: Agent): Promise<SlackAnswer> {
  try {
    const hook = new IncomingWebhook(url, { timeout: CLIENT_TIMEOUT_MS, agent });
    // @slack/webhook 7.2 merges its constructor defaults, `timeout` included, into every payload
    // it posts (`{"timeout":60000,…}`): its HTTP client already holds the timeout, so empty them.
    (hook as unknown as { defaults: Record<string, unknown> }).defaults = {};
    const result = await hook.send(payload);
    return { status: 200, text: result.text, retryAfter: null };
  } catch (e) {
    const err = e as { code?: string; original?: { response?: { status: number; data: unknown; headers: Record<string, unknown> } } };
    const res = err.code === WebhookError.HTTPError ? err.original?.response : undefined;
    if (!res) throw connectionError(err.original ?? e);
    const retryAfter = res.headers['retry-after'];
    return { status: res.status, text: bodyText(res.data), retryAfter: retryAfter === undefined ? null : String(retryAfter) };
  }
}

async function viaWebApi(url: string, token: string, payload: Record<string, unknown>, signal: AbortSignal): Promise<SlackAnswer> {
  const slash = url.lastIndexOf('/');
  const client = new WebClient(token, {
    slackApiUrl: `${url.slice(0, slash)}/`,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: CLIENT_TIMEOUT_MS,
    logger: silent,
    // The attempt's signal beside the client's own: a request never outlives its attempt.
    fetch: ((input: string | URL, init?: RequestInit) =>
      fetch(input, {
        ...init,
        signal: init?.signal ? AbortSignal.any([init.signal, signal]) : signal,
      })) as unknown as WebClientOptions['fetch'],
  });
  try {
    const result = await client.apiCall(url.slice(slash + 1), payload);
    return { status: 200, text: JSON.stringify(result), retryAfter: null };
  } catch (e) {
    const err = e as {
      code?: string;
      data?: unknown;
      retryAfter?: number;
      statusCode?: number;
      body?: unknown;
      headers?: Record<string, string>;
      original?: unknown;
    };
    switch (err.code) {
      case ApiError.PlatformError:
        return { status: 200, text: JSON.stringify(err.data), retryAfter: null };
      case ApiError.RateLimitedError:
        return { status: 429, text: 'ratelimited', retryAfter: String(err.retryAfter) };
      case ApiError.HTTPError:
        return { status: err.statusCode!, text: bodyText(err.body), retryAfter: err.headers?.['retry-after'] ?? null };
      default:
        throw connectionError(err.original ?? e);
    }
  }
}

/**
 * deliver.ts's sender over the official clients. A request with a bearer token is a Web API call
 * (the method is the URL's last segment), any other an incoming webhook.
 */
export const officialSender: SlackSender = (url, init) => {
  const payload = JSON.parse(init.body) as Record<string, unknown>;
  const token = /^Bearer (.+)$/.exec(init.headers.authorization ?? '')?.[1];
  // When deliver.ts gives up on an attempt (its timeout), the request ends too, so none outlives
  // its attempt and keeps the process alive: the Web API's fetch takes the signal, the webhook's
  // agent (one per attempt) is destroyed.
  const agent = url.startsWith('https:') ? new HttpsAgent() : new HttpAgent();
  const answer = token ? viaWebApi(url, token, payload, init.signal) : viaWebhook(url, payload, agent);
  return new Promise<SlackAnswer>((resolve, reject) => {
    const onAbort = () => {
      agent.destroy();
      reject(new Error('aborted'));
    };
    if (init.signal.aborted) return onAbort();
    init.signal.addEventListener('abort', onAbort, { once: true });
    answer.then(resolve, reject).finally(() => {
      init.signal.removeEventListener('abort', onAbort);
      agent.destroy();
    });
  });
};
