/**
 * Slack delivery against a local server that answers as Slack does (selftest/fake-slack.ts):
 * retries on what is transient, stops on what is final, never throws, never logs a secret.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord } from '../gate/types.ts';
import { buildSlackMessage, postToSlack, type PostOptions, type SlackMessage } from '../reporters/slack.ts';
import { reply, startFakeSlack, type FakeSlack } from './fake-slack.ts';

const TOKEN = 'xoxb-fake-0123456789-secret';
const message: SlackMessage = { text: 'BLOCK · staging', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hello' } }] };

describe('postToSlack', { concurrency: false }, () => {
  let slack: FakeSlack;
  let lines: string[];
  const opts = (over: PostOptions = {}): PostOptions => ({
    timeoutMs: 2000,
    retries: 4,
    minBackoffMs: 10,
    maxBackoffMs: 40,
    log: (l) => lines.push(l),
    ...over,
  });
  const webhook = () => ({ webhookUrl: slack.webhookUrl });
  const secretPart = () => new URL(slack.webhookUrl).pathname; // the secret part of a webhook URL

  before(async () => {
    slack = await startFakeSlack();
  });
  after(() => slack.close());
  beforeEach(() => {
    lines = [];
    slack.requests.length = 0;
  });

  /** Checked after every test: a log line naming the URL or the token would leak it to CI logs. */
  const assertNoSecrets = () => {
    for (const l of lines)
      assert.ok(!l.includes(secretPart()) && !l.includes(TOKEN) && !l.includes('fakeWebhookSecret'), `secret in log: ${l}`);
  };

  test('200 ok: delivered in one attempt, the payload as sent', async () => {
    const r = await postToSlack(message, webhook(), opts());
    assert.deepEqual(r, { delivered: true, attempts: 1, status: 200 });
    assert.equal(slack.requests.length, 1);
    assert.deepEqual(slack.requests[0]!.json, { text: message.text, blocks: message.blocks });
    assert.match(String(slack.requests[0]!.headers['content-type']), /^application\/json/);
    assert.ok(
      lines.some((l) => l === 'Slack webhook: delivered (attempt 1)'),
      lines.join('\n'),
    );
    assertNoSecrets();
  });

  test('429 with Retry-After: 1 waits about a second, then delivers', async () => {
    slack.script(reply.rateLimited(1), reply.ok());
    const started = performance.now();
    const r = await postToSlack(message, webhook(), opts());
    assert.equal(r.delivered, true);
    assert.equal(r.attempts, 2);
    const gap = slack.requests[1]!.at - slack.requests[0]!.at;
    assert.ok(gap >= 900, `retried after ${gap} ms`);
    assert.ok(performance.now() - started < 3000);
    assertNoSecrets();
  });

  test('Retry-After is capped by maxRetryAfterMs', async () => {
    slack.script(reply.rateLimited(30), reply.ok());
    const r = await postToSlack(message, webhook(), opts({ maxRetryAfterMs: 100 }));
    assert.equal(r.delivered, true);
    const gap = slack.requests[1]!.at - slack.requests[0]!.at;
    assert.ok(gap >= 90 && gap < 1000, `retried after ${gap} ms`);
  });

  test('500, 500, 200: delivered on the third attempt', async () => {
    slack.script(reply.serverError(), reply.serverError(), reply.ok());
    const r = await postToSlack(message, webhook(), opts());
    assert.deepEqual(r, { delivered: true, attempts: 3, status: 200 });
    assert.equal(lines.filter((l) => /attempt \d failed: HTTP 500 internal_error; retrying/.test(l)).length, 2, lines.join('\n'));
    assertNoSecrets();
  });

  test("400 invalid_blocks: one attempt, not delivered, Slack's answer in the log", async () => {
    slack.script(reply.invalidBlocks());
    const r = await postToSlack(message, webhook(), opts());
    assert.equal(r.delivered, false);
    assert.equal(r.attempts, 1);
    assert.equal(r.status, 400);
    assert.match(r.error!, /HTTP 400 invalid_blocks/);
    assert.equal(slack.requests.length, 1);
    assert.ok(
      lines.some((l) => /^Slack webhook: HTTP 400 invalid_blocks \(not retried/.test(l)),
      lines.join('\n'),
    );
    assertNoSecrets();
  });

  test('404 no_service is final too', async () => {
    slack.script(reply.noService());
    const r = await postToSlack(message, webhook(), opts());
    assert.deepEqual([r.delivered, r.attempts, r.status], [false, 1, 404]);
  });

  test('an answer that never comes: the attempt times out and the retry delivers', async () => {
    slack.script(reply.hang(), reply.ok());
    const started = performance.now();
    const r = await postToSlack(message, webhook(), opts({ timeoutMs: 300 }));
    assert.deepEqual(r, { delivered: true, attempts: 2, status: 200 });
    assert.ok(performance.now() - started >= 290);
    assert.ok(
      lines.some((l) => /attempt 1 failed: no answer within 300 ms/.test(l)),
      lines.join('\n'),
    );
    assertNoSecrets();
  });

  test('5xx every time: gives up after the retries, without throwing', async () => {
    slack.script(...Array.from({ length: 3 }, reply.serverError));
    const r = await postToSlack(message, webhook(), opts({ retries: 2 }));
    assert.equal(r.delivered, false);
    assert.equal(r.attempts, 3);
    assert.equal(r.status, 500);
    assert.equal(slack.requests.length, 3);
    assert.ok(lines.at(-1)!.includes('not delivered after 3 attempts'));
    assertNoSecrets();
  });

  test('nothing listening: not delivered, no throw, no URL in the log or the result', async () => {
    const closed = await startFakeSlack();
    const url = closed.webhookUrl;
    await closed.close();
    const r = await postToSlack(message, { webhookUrl: url }, opts({ retries: 1 }));
    assert.deepEqual([r.delivered, r.attempts], [false, 2]);
    assert.match(r.error!, /connection failed \(ECONNREFUSED\)/);
    for (const text of [...lines, r.error!]) assert.ok(!text.includes(new URL(url).pathname), text);
  });

  test('no destination or a malformed one: not delivered, no request, said why', async () => {
    const none = await postToSlack(message, {}, opts());
    assert.deepEqual([none.delivered, none.attempts], [false, 0]);
    assert.match(none.error!, /SLACK_WEBHOOK_URL, or SLACK_BOT_TOKEN and SLACK_CHANNEL/);
    const bad = await postToSlack(message, { webhookUrl: 'hooks.slack.com/services/T/B/secretvalue' }, opts());
    assert.equal(bad.delivered, false);
    assert.ok(!JSON.stringify([bad, lines]).includes('secretvalue'));
    assert.equal(slack.requests.length, 0);
  });

  test('bot token: chat.postMessage, then the details in a thread on the returned ts', async () => {
    const thread: SlackMessage = {
      ...message,
      thread: { text: 'details', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'group 1' } }] },
    };
    slack.script(reply.apiOk('1700000001.000200', 'C42'), reply.apiOk('1700000001.000300', 'C42'));
    const r = await postToSlack(
      thread,
      { botToken: TOKEN, channel: '#tagtrust-releases', apiBase: slack.apiBase, webhookUrl: slack.webhookUrl },
      opts(),
    );
    assert.deepEqual(r, { delivered: true, attempts: 1, status: 200, thread: { delivered: true, attempts: 1, status: 200 } });
    const [main, reply2] = slack.requests;
    assert.equal(main!.path, '/api/chat.postMessage');
    assert.equal(main!.headers.authorization, `Bearer ${TOKEN}`);
    assert.deepEqual(main!.json, { channel: '#tagtrust-releases', text: message.text, blocks: message.blocks });
    // The reply goes to the channel id Slack returned, under the first message's ts.
    assert.deepEqual(reply2!.json, { channel: 'C42', thread_ts: '1700000001.000200', text: 'details', blocks: thread.thread!.blocks });
    assert.ok(lines.some((l) => l.startsWith('Slack #tagtrust-releases: delivered')));
    assertNoSecrets();
  });

  test('bot token: ok:false is final unless it says ratelimited', async () => {
    slack.script(reply.apiError('channel_not_found'));
    const r = await postToSlack(message, { botToken: TOKEN, channel: 'C1', apiBase: slack.apiBase }, opts());
    assert.deepEqual([r.delivered, r.attempts, r.status], [false, 1, 200]);
    assert.match(r.error!, /channel_not_found/);
    slack.script(reply.apiError('ratelimited'), reply.apiOk());
    const again = await postToSlack(message, { botToken: TOKEN, channel: 'C1', apiBase: slack.apiBase }, opts());
    assert.deepEqual([again.delivered, again.attempts], [true, 2]);
    assertNoSecrets();
  });

  test('bot token: a failed main message posts no thread', async () => {
    slack.script(reply.apiError('not_in_channel'));
    const r = await postToSlack(
      { ...message, thread: { text: 't', blocks: [] } },
      { botToken: TOKEN, channel: 'C1', apiBase: slack.apiBase },
      opts(),
    );
    assert.equal(r.delivered, false);
    assert.equal(r.thread, undefined);
    assert.equal(slack.requests.length, 1);
  });

  test("a message built from 500 huge groups is accepted by Slack's own checks, message and thread", async () => {
    const big = 'x<&>'.repeat(2500);
    const groups = Array.from({ length: 500 }, (_, i) => ({
      category: 'product' as const,
      signature: `${i} ${big}`,
      count: 3,
      tests: [`p › f.spec.ts › ${big}`],
      firstSeen: { build: 'b', runId: 'r', at: 't' },
      example: big,
      owner: { team: 't', slack: '<!subteam^S1>' },
    }));
    const record = {
      runId: 'tg_1',
      environment: 'staging',
      build: 'b'.repeat(300),
      suites: ['smoke'],
      durationMs: 1000,
      verdict: 'BLOCK',
      reasons: [{ rule: 'r', verdict: 'BLOCK', message: big, tests: [] }],
      counts: { total: 500, passed: 0, failed: 500, flaky: 0, skipped: 0, quarantined: 0 },
      triage: { failures: [], groups },
    } as unknown as RunRecord;
    const m = buildSlackMessage(record, { allureUrl: 'https://ci.example/allure/', reportUrl: 'https://ci.example/report.html' }, (s) => s);
    // No script: the fake validates as Slack does and answers ok:false invalid_blocks / msg_blocks_too_long otherwise.
    const r = await postToSlack(m, { botToken: TOKEN, channel: 'C1', apiBase: slack.apiBase }, opts());
    assert.equal(r.delivered, true, r.error);
    assert.equal(r.thread?.delivered, true, r.thread?.error);
  });
});
