/**
 * The Slack app (`tollgate slack-app`) as Slack would use it: slash commands signed exactly as
 * Slack signs them, replies and channel messages received by a fake Slack. Refused requests
 * (unsigned, wrongly signed, older than five minutes, from a user outside the allow-list)
 * create nothing; an allowed `/tollgate env up` is acknowledged before the environment exists,
 * announced in the channel when ready, and its credentials reach the requester alone.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { withRegistry } from '../envs/registry.ts';
import type { StackSecrets } from '../stack/state.ts';
import { sendSlashCommand, slackSignature, startFakeSlack, type FakeSlack, type Received } from './fake-slack.ts';
import { startTollgate, workspace } from './helpers.ts';

const PORT = Number(process.env.TOLLGATE_SLACK_APP_SELFTEST_PORT ?? 20450);
const ENV_PORTS = process.env.TOLLGATE_SLACK_APP_SELFTEST_ENV_PORTS ?? '20460-20469';
const SECRET = 'selftest-signing-secret-0123456789abcdef';
const TOKEN = 'xoxb-selftest-bot-token';
const ALICE = 'U0ALICE01';
const MALLORY = 'U0MALLORY';

describe('the Slack app', { concurrency: false, timeout: 300_000 }, () => {
  const { dir, env: ws } = workspace('slack-app');
  const envs = ws.TOLLGATE_ENVS_DIR!;
  let slack: FakeSlack;
  let app: ReturnType<typeof startTollgate>;
  const appUrl = `http://127.0.0.1:${PORT}/slack/events`;
  const registry = () => withRegistry({ dataDir: ws.TOLLGATE_RESULTS_DIR! }, (r) => r.list());
  const signed = (body: string) => slackSignature(SECRET, body);
  const command = (text: string, userId = ALICE, sign: (body: string) => Record<string, string> = signed) =>
    sendSlashCommand(appUrl, { text, userId, channelId: 'C0QA', responseUrl: `${slack.url}/commands/response/${userId}` }, sign);
  const posted = (pred: (r: Received) => boolean) => slack.requests.filter(pred);
  const waitFor = async (pred: (r: Received) => boolean, what: string) => {
    for (let i = 0; i < 1200; i++) {
      const found = posted(pred);
      if (found.length) return found[0]!;
      if (app.child.exitCode !== null) assert.fail(`the app exited while waiting for ${what}:\n${app.output()}`);
      await sleep(100);
    }
    return assert.fail(`no ${what} in 120 s:\n${app.output()}`);
  };

  before(async () => {
    slack = await startFakeSlack();
    app = startTollgate(['slack-app', '--port', String(PORT)], {
      ...ws,
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: TOKEN,
      SLACK_API_URL: slack.apiBase,
      TOLLGATE_SLACK_ALLOWED_USERS: ALICE,
      TOLLGATE_SLACK_ENV_PROFILE: 'smoke',
      TOLLGATE_ENV_PORTS: ENV_PORTS,
    });
    for (let i = 0; i < 200 && !/listening on/.test(app.output()); i++) await sleep(50);
    assert.match(app.output(), /slack-app: listening on http:\/\/127\.0\.0\.1:\d+\/slack\/events .* 1 user\(s\) on the allow-list/);
  });
  after(async () => {
    for (const e of existsSync(ws.TOLLGATE_RESULTS_DIR!) ? await registry() : []) await command(`env down ${e.name}`);
    app?.child.kill('SIGTERM');
    await app?.exit;
    await slack?.close();
    const { rmSync } = await import('node:fs');
    rmSync(dir, { recursive: true, force: true });
  });

  test('unsigned, wrongly signed and stale requests are refused with 401; an outsider is politely refused; nothing is created', async () => {
    const up = 'env up feature-x';
    const unsigned = await command(up, ALICE, () => ({}));
    const wrong = await command(up, ALICE, (body) => slackSignature('not-the-secret', body));
    const tampered = await command(up, ALICE, (body) => signed(body.replace('feature-x', 'feature-y')));
    const stale = await command(up, ALICE, (body) => slackSignature(SECRET, body, Math.floor(Date.now() / 1000) - 6 * 60));
    for (const [name, r] of Object.entries({ unsigned, wrong, tampered, stale })) assert.equal(r.status, 401, `${name}: ${r.body}`);
    const outsider = await command(up, MALLORY);
    assert.equal(outsider.status, 200);
    assert.match(JSON.parse(outsider.body).text, /Sorry <@U0MALLORY>, only people on Tollgate's allow-list can create/);
    assert.equal(JSON.parse(outsider.body).response_type, 'ephemeral');
    for (const verb of ['env down qa', 'env extend qa 1h']) assert.match(JSON.parse((await command(verb, MALLORY)).body).text, /Sorry/);
    await sleep(500);
    assert.deepEqual(await registry(), [], 'nothing registered');
    assert.ok(!existsSync(envs) || readdirSync(envs).filter((d) => !d.startsWith('.')).length === 0, 'nothing on disk');
    assert.equal(slack.requests.length, 0, 'nothing posted');
  });

  test('an allowed `env up`: acknowledged at once, ready in the channel, credentials to the requester only', async () => {
    const ack = await command('env up Feature/Login_fix 2h');
    assert.equal(ack.status, 200);
    const acked = JSON.parse(ack.body) as { text: string; response_type: string };
    assert.equal(acked.response_type, 'ephemeral');
    assert.match(acked.text, /Creating feature-login-fix from `Feature\/Login_fix` \(smoke data, lives 2h 0m\)/);

    // Feature/Login_fix is no ref of this repository: the requester alone hears why, nothing is left.
    const failed = await waitFor((r) => r.path === `/commands/response/${ALICE}`, 'reply about the failed environment');
    assert.match(failed.json.text, /Could not create feature-login-fix: --ref Feature\/Login_fix is not a commit of this repository/);
    assert.equal(failed.json.response_type, 'ephemeral');
    assert.deepEqual(await registry(), []);
    slack.requests.length = 0;

    const acked2 = await command('env up HEAD 2h');
    assert.match(JSON.parse(acked2.body).text, /^Creating head from `HEAD`/);
    // The answer came before the environment was ready: it is created in the background.
    assert.equal(posted((r) => r.path === '/api/chat.postMessage').length, 0);
    const ready = await waitFor((r) => r.path === '/api/chat.postMessage', 'channel message');
    assert.equal(ready.json.channel, 'C0QA');
    assert.match(
      ready.json.text,
      /Environment head is ready: http:\/\/127\.0\.0\.1:\d+\/ · build [0-9a-f]{7,} \(HEAD\) · owner <@U0ALICE01> · expires /,
    );
    assert.equal(ready.headers.authorization, `Bearer ${TOKEN}`);
    const creds = await waitFor((r) => r.path === `/commands/response/${ALICE}`, 'credentials');
    assert.equal(creds.json.response_type, 'ephemeral');
    const secrets = JSON.parse(readFileSync(join(envs, 'head', 'stack', 'secrets.json'), 'utf8')) as StackSecrets;
    assert.ok(creds.json.text.includes(secrets.adminPassword), 'the requester gets the password');
    // Nowhere else: not in the channel, not in the app's log, not in the registry.
    for (const r of slack.requests.filter((q) => q !== creds))
      assert.ok(!r.body.includes(secrets.adminPassword), `${r.path} holds no password`);
    assert.ok(!app.output().includes(secrets.adminPassword), 'no password in the app’s log');
    assert.ok(!JSON.stringify(await registry()).includes(secrets.adminPassword));
    const [entry] = await registry();
    assert.equal(entry?.owner, ALICE, 'owned by the requester, so the reaper can DM them');
    assert.equal(entry?.state, 'ready');
  });

  test('list, extend and down from Slack', async () => {
    const list = JSON.parse((await command('env list', MALLORY)).body) as { text: string };
    assert.match(
      list.text,
      /^head {2}HEAD {2}[0-9a-f]{7,} {2}<@U0ALICE01> {2}http:\/\/127\.0\.0\.1:\d+ {2}ready {2}expires /m,
      'everyone may list',
    );
    const extended = JSON.parse((await command('env extend head 1h')).body) as { text: string };
    assert.match(extended.text, /^head now expires \S+ \(in 2h 59m\)\.$/);
    assert.match(JSON.parse((await command('env frobnicate')).body).text, /I do not know `env frobnicate`\. Usage: /);
    slack.requests.length = 0;
    const down = JSON.parse((await command('env down head')).body) as { text: string };
    assert.equal(down.text, 'Removing head…');
    const done = await waitFor((r) => r.path === `/commands/response/${ALICE}`, 'removal reply');
    assert.match(done.json.text, /^head is removed \(build [0-9a-f]+\)\.$/);
    assert.deepEqual(await registry(), []);
  });
});
