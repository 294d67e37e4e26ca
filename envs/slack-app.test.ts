/** The Slack app's parsing and settings (the app itself: selftest/slack-app.test.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../config/errors.ts';
import { checkNewName } from './lifecycle.ts';
import { envNameFor, parseCommand, slackAppSettings } from './slack-app.ts';

test('parseCommand: the four commands, with their arguments', () => {
  assert.deepEqual(parseCommand('env up feature/login-fix'), { verb: 'up', branch: 'feature/login-fix', name: 'feature-login-fix' });
  assert.deepEqual(parseCommand('  env up main 4h '), { verb: 'up', branch: 'main', name: 'main', ttlMs: 4 * 3_600_000 });
  assert.deepEqual(parseCommand('env list'), { verb: 'list' });
  assert.deepEqual(parseCommand('env extend qa-x 90m'), { verb: 'extend', name: 'qa-x', ttlMs: 90 * 60_000 });
  assert.deepEqual(parseCommand('env down qa-x'), { verb: 'down', name: 'qa-x' });
});

test('parseCommand: anything else is help, saying what was wrong', () => {
  assert.deepEqual(parseCommand(''), { verb: 'help' });
  for (const [text, problem] of [
    ['env', /I do not know "env"/],
    ['deploy prod', /I do not know "deploy prod"/],
    ['env up', /needs a branch/],
    ['env up main forever', /"forever" is not a lifetime/],
    ['env extend qa-x', /needs a name and a lifetime/],
    ['env extend qa-x soon', /needs a name and a lifetime/],
    ['env down', /exactly one name/],
    ['env down a b', /exactly one name/],
    ['env list all', /takes nothing/],
    ['env up a 1h extra', /Too many words/],
    ['env nuke all', /I do not know `env nuke`/],
  ] as const) {
    const c = parseCommand(text);
    assert.equal(c.verb, 'help', text);
    assert.match((c as { problem?: string }).problem ?? '', problem, text);
  }
});

test('envNameFor: any branch becomes a valid environment name', () => {
  assert.equal(envNameFor('Feature/Login_fix'), 'feature-login-fix');
  assert.equal(envNameFor('--weird//branch--'), 'weird-branch');
  assert.equal(envNameFor('日本'), 'env');
  for (const branch of ['release/2026.12', 'a'.repeat(80), 'x-'.repeat(40), 'UPPER', 'dependabot/npm_and_yarn/vite-7.0.1'])
    assert.equal(checkNewName(envNameFor(branch)), envNameFor(branch), branch);
});

test('slackAppSettings: the secrets are required, the allow-list holds user ids; every problem at once', () => {
  const ok = slackAppSettings({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', TOLLGATE_SLACK_ALLOWED_USERS: 'U01, W02' });
  assert.deepEqual([...ok.allowed], ['U01', 'W02']);
  assert.equal(ok.ttlMs, 8 * 3_600_000);
  assert.equal(ok.profile, 'regression');
  assert.equal(slackAppSettings({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'x' }).allowed.size, 0, 'nobody by default');
  assert.throws(
    () => slackAppSettings({ TOLLGATE_SLACK_ALLOWED_USERS: 'alice', TOLLGATE_SLACK_ENV_TTL: '99d', TOLLGATE_SLACK_ENV_PROFILE: 'volume' }),
    (e: Error) =>
      e instanceof ConfigError &&
      e.exitCode === 78 &&
      [
        'SLACK_SIGNING_SECRET',
        'SLACK_BOT_TOKEN',
        'TOLLGATE_SLACK_ALLOWED_USERS',
        'TOLLGATE_SLACK_ENV_TTL',
        'TOLLGATE_SLACK_ENV_PROFILE',
      ].every((v) => e.message.includes(v)),
  );
});
