/**
 * A local stand-in for Slack's incoming webhook and `chat.postMessage`, for tests: listens on
 * 127.0.0.1 (a free port), answers each request with the next scripted reply, records what it
 * received. Without a script it answers as Slack does, including Slack's own refusal of a
 * payload over Block Kit's limits (400 invalid_blocks), so a passing test means Slack would
 * have accepted the message too.
 */
import { createHmac } from 'node:crypto';
import { createServer, request, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReply {
  status?: number;
  /** A string is sent as text/plain (webhook style), anything else as JSON (Web API style). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Never answer: the client's timeout must fire. */
  hang?: boolean;
}

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: any;
  /** Milliseconds since the server started. */
  at: number;
}

export interface FakeSlack {
  /** http://127.0.0.1:<port> */
  url: string;
  /** An incoming-webhook URL on this server. */
  webhookUrl: string;
  /** A Web API base for `apiBase` (`<url>/api`). */
  apiBase: string;
  requests: Received[];
  /** Append replies to the script (consumed in order, one per request). */
  script(...replies: FakeReply[]): void;
  close(): Promise<void>;
}

/** Slack's answers, by name. */
export const reply = {
  ok: (): FakeReply => ({ status: 200, body: 'ok' }),
  rateLimited: (seconds: number): FakeReply => ({ status: 429, body: 'rate_limited', headers: { 'retry-after': String(seconds) } }),
  serverError: (): FakeReply => ({ status: 500, body: 'internal_error' }),
  invalidBlocks: (): FakeReply => ({ status: 400, body: 'invalid_blocks' }),
  noService: (): FakeReply => ({ status: 404, body: 'no_service' }),
  hang: (): FakeReply => ({ hang: true }),
  apiOk: (ts = '1700000000.000100', channel = 'C0FAKE'): FakeReply => ({ status: 200, body: { ok: true, channel, ts } }),
  apiError: (error: string): FakeReply => ({ status: 200, body: { ok: false, error } }),
};

const textLength = (v: unknown): number =>
  Array.isArray(v)
    ? v.reduce((n: number, x) => n + textLength(x), 0)
    : v && typeof v === 'object'
      ? Object.entries(v).reduce((n, [k, x]) => n + (k === 'text' && typeof x === 'string' ? x.length : textLength(x)), 0)
      : 0;

/**
 * Slack's own validation of the limits the message builder promises to keep, including the
 * undocumented ~12,000 characters of text across all blocks (`msg_blocks_too_long`).
 */
export function blockProblem(payload: any): string | undefined {
  const blocks: any[] | undefined = payload?.blocks;
  if (blocks === undefined) return typeof payload?.text === 'string' ? undefined : 'invalid_payload';
  if (!Array.isArray(blocks) || blocks.length > 50) return 'invalid_blocks';
  if (textLength(blocks) > 12_000) return 'msg_blocks_too_long';
  for (const b of blocks) {
    const text: unknown = b?.text?.text;
    if (b?.type === 'header' && (typeof text !== 'string' || text.length > 150 || b.text.type !== 'plain_text')) return 'invalid_blocks';
    if (b?.type === 'section' && typeof text === 'string' && text.length > 3000) return 'invalid_blocks';
    if (
      b?.type === 'section' &&
      Array.isArray(b.fields) &&
      (b.fields.length > 10 || b.fields.some((f: any) => String(f?.text).length > 2000))
    )
      return 'invalid_blocks';
    if (b?.type === 'context' && (!Array.isArray(b.elements) || b.elements.length > 10)) return 'invalid_blocks';
  }
  return undefined;
}

function send(res: ServerResponse, r: FakeReply): void {
  const json = typeof r.body !== 'string';
  res.writeHead(r.status ?? 200, { 'content-type': json ? 'application/json' : 'text/plain', ...r.headers });
  res.end(json ? JSON.stringify(r.body ?? {}) : r.body);
}

/** A form-encoded Web API call as Slack reads it: `blocks`, `attachments` and `metadata` are JSON. */
function formFields(body: string): Record<string, unknown> {
  const fields: Record<string, unknown> = Object.fromEntries(new URLSearchParams(body));
  for (const key of ['blocks', 'attachments', 'metadata']) {
    if (typeof fields[key] === 'string') fields[key] = JSON.parse(fields[key] as string);
  }
  return fields;
}

export async function startFakeSlack(replies: FakeReply[] = []): Promise<FakeSlack> {
  const queue = [...replies];
  const requests: Received[] = [];
  const started = performance.now();
  let messages = 0;

  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      let json: unknown;
      try {
        // The Web API client posts most methods form-encoded; Slack reads both.
        json = /x-www-form-urlencoded/.test(req.headers['content-type'] ?? '') ? formFields(body) : JSON.parse(body);
      } catch {
        json = undefined;
      }
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body, json, at: performance.now() - started });
      const scripted = queue.shift();
      if (scripted?.hang) return; // the socket stays open until the client gives up or close()
      if (scripted) return send(res, scripted);
      const api = path.startsWith('/api/');
      const problem = blockProblem(json);
      if (api) return send(res, problem ? reply.apiError(problem) : reply.apiOk(`1700000000.${String(++messages).padStart(6, '0')}`));
      send(res, problem ? { status: 400, body: problem } : reply.ok());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    webhookUrl: `${url}/services/T0FAKE/B0FAKE/fakeWebhookSecret0123456789`,
    apiBase: `${url}/api`,
    requests,
    script: (...more) => void queue.push(...more),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections(); // hung requests would keep close() waiting forever
        server.close(() => resolve());
      }),
  };
}

/**
 * Slack's request signing (api.slack.com/authentication/verifying-requests-from-slack): the
 * headers Slack sends with `body`, an HMAC-SHA256 of `v0:<timestamp>:<body>` under the app's
 * signing secret.
 */
export function slackSignature(secret: string, body: string, timestamp = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return { 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature };
}

export interface SlashCommand {
  text: string;
  userId: string;
  channelId?: string;
  /** Where the app's delayed replies go (`respond()`): a path on the fake Slack. */
  responseUrl: string;
}

/**
 * POST a slash command to an app as Slack does: form-encoded, signed with `secret`, or with
 * the headers `sign` returns instead (to send unsigned, wrongly signed or stale requests).
 */
export async function sendSlashCommand(
  appUrl: string,
  c: SlashCommand,
  sign: (body: string) => Record<string, string>,
): Promise<{ status: number; body: string }> {
  const body = new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0FAKE',
    team_domain: 'fake',
    channel_id: c.channelId ?? 'C0FAKE',
    channel_name: 'qa',
    user_id: c.userId,
    user_name: c.userId.toLowerCase(),
    command: '/tollgate',
    text: c.text,
    api_app_id: 'A0FAKE',
    response_url: c.responseUrl,
    trigger_id: '1.2.3',
  }).toString();
  // A connection per request, as Slack opens: a kept-alive socket that the app's server closes
  // while idle would fail the next request ("other side closed") for a reason Slack never meets.
  return new Promise((resolve, reject) => {
    const req = request(
      appUrl,
      { method: 'POST', agent: false, timeout: 10_000, headers: { 'content-type': 'application/x-www-form-urlencoded', ...sign(body) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer from ${appUrl} within 10 s`)));
    req.on('error', reject);
    req.end(body);
  });
}
