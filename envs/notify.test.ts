/** The reaper's direct messages to owners, against a local server that answers like Slack's Web API. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { THIS_HOST, type EnvRecord } from './registry.ts';
import type { ReapAction } from './lifecycle.ts';
import { notifyOwner, ownerMessage } from './notify.ts';

const record = (owner: string): EnvRecord => ({
  name: 'qa-login',
  ref: 'feature/login',
  build: 'abc1234',
  owner,
  profile: 'regression',
  seed: 1,
  portBase: 24000,
  host: THIS_HOST,
  dir: '/tmp/qa-login',
  state: 'ready',
  workerPid: null,
  pids: { postgres: 1, api: 2, web: 3 },
  webUrl: 'http://127.0.0.1:24000',
  createdAt: new Date('2026-12-02T08:00:00Z'),
  expiresAt: new Date('2026-12-02T16:00:00Z'),
  warnedAt: null,
});
const warn = (owner: string): ReapAction => ({ name: 'qa-login', action: 'warn', expiresInMs: 42 * 60_000, record: record(owner) });

async function fakeWebApi(t: { after: (fn: () => void) => void }, status = 200, body = { ok: true, channel: 'D1', ts: '1.2' }) {
  const got: { url: string; headers: IncomingHttpHeaders; body: { channel: string; text: string } }[] = [];
  const server = createServer((req, res) => {
    let data = '';
    req.on('data', (d: Buffer) => (data += d));
    req.on('end', () => {
      // The Web API client posts form-encoded, as Slack accepts.
      const sent = /x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')
        ? Object.fromEntries(new URLSearchParams(data))
        : JSON.parse(data);
      got.push({ url: req.url!, headers: req.headers, body: sent as { channel: string; text: string } });
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => server.close());
  return { got, api: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api` };
}

test('ownerMessage: a warning says when and how to extend; a removal says why', () => {
  const w = ownerMessage(warn('U1')).text;
  assert.match(w, /qa-login \(build abc1234\) expires in 42m 0s, at 2026-12-02T16:00:00.000Z/);
  assert.match(w, /\/tollgate env extend qa-login 4h/);
  const r = ownerMessage({ name: 'qa-login', action: 'remove', why: 'expired at 2026-12-02T16:00:00.000Z', record: record('U1') }).text;
  assert.match(r, /was removed: expired at 2026-12-02T16:00:00.000Z/);
});

test('a Slack owner gets a direct message from the bot: to their user id, with the bot token', async (t) => {
  const slack = await fakeWebApi(t);
  const ok = await notifyOwner(warn('U012ABCDEF'), { SLACK_BOT_TOKEN: 'xoxb-secret-token', SLACK_API_URL: slack.api }, () => {});
  assert.equal(ok, true);
  assert.equal(slack.got.length, 1);
  assert.equal(slack.got[0]!.url, '/api/chat.postMessage');
  assert.equal(slack.got[0]!.body.channel, 'U012ABCDEF');
  assert.equal(slack.got[0]!.headers.authorization, 'Bearer xoxb-secret-token');
  assert.match(slack.got[0]!.body.text, /expires in 42m/);
});

test('no message without a bot token or for an owner who is not a Slack user; a refusal is logged, never thrown', async (t) => {
  const slack = await fakeWebApi(t, 200, { ok: false, error: 'channel_not_found' } as never);
  assert.equal(await notifyOwner(warn('alice'), { SLACK_BOT_TOKEN: 'xoxb-x', SLACK_API_URL: slack.api }, () => {}), false);
  assert.equal(await notifyOwner(warn('U012ABCDEF'), { SLACK_API_URL: slack.api }, () => {}), false);
  assert.equal(slack.got.length, 0);
  const lines: string[] = [];
  assert.equal(
    await notifyOwner(warn('U012ABCDEF'), { SLACK_BOT_TOKEN: 'xoxb-secret-token', SLACK_API_URL: slack.api }, (l) => lines.push(l)),
    false,
  );
  assert.equal(slack.got.length, 1, 'ok:false is not retried');
  assert.match(lines.join('\n'), /could not tell U012ABCDEF on Slack: .*channel_not_found/);
  assert.doesNotMatch(lines.join('\n'), /xoxb-secret-token/);
});
