import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { REPO_ROOT } from '../../config/paths.ts';
import { tempDir } from '../../testing/temp.ts';

const synth = (args: string[], env: NodeJS.ProcessEnv = {}) => {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'tollgate.js'), 'k8s', 'synth', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: r.status, out: r.stdout + r.stderr };
};
type List = { items: { kind: string; metadata: { name: string }; stringData?: Record<string, string>; spec?: unknown }[] };
const list = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as List;

test('k8s synth: an environment and the reaper, valid, written for kubectl; its Secret in a 0600 file and never printed', (t) => {
  const out = join(tempDir(t, 'tollgate-k8s-synth'), 'out');
  const r = synth(['qa-fix', '--owner', 'U024BE7LH', '--ttl', '2h', '--seed', '42', '--profile', 'demo', '--out', out]);
  assert.equal(r.code, 0, r.out);
  assert.match(r.out, /namespace tg-qa-fix: build [0-9a-f]{7,} \(HEAD\), owner U024BE7LH, expires \d{4}-/);
  assert.match(r.out, /demo profile, seed 42 \(replay with --seed 42\)/);
  assert.match(r.out, /all valid against the Kubernetes API schema/);
  const file = join(out, 'qa-fix.json');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const items = list(file).items;
  const password = items.find((i) => i.kind === 'Secret')!.stringData!.POSTGRES_PASSWORD!;
  assert.ok(password.length >= 20);
  assert.ok(!r.out.includes(password), 'the generated password is not printed');
  assert.match(JSON.stringify(items.find((i) => i.metadata.name === 'seed')), /"--profile","demo","--seed","42"/);
  assert.deepEqual(
    list(join(out, 'reaper.json')).items.map((i) => i.kind),
    ['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'CronJob'],
  );
});

test('k8s synth: an external database by the variable that holds its URL; the URL is never printed', (t) => {
  const out = join(tempDir(t, 'tollgate-k8s-synth'), 'out');
  const url = 'postgresql://qa:k8s-ext-s3cret@db.example:5432/qa';
  const r = synth(['qa-ext', '--owner', 'jane', '--database-url-var', 'QA_EXT_DB', '--out', out], { QA_EXT_DB: url });
  assert.equal(r.code, 0, r.out);
  assert.doesNotMatch(r.out, /k8s-ext-s3cret/);
  const items = list(join(out, 'qa-ext.json')).items;
  assert.equal(items.find((i) => i.kind === 'Secret')!.stringData!.DATABASE_URL, url);
  assert.ok(!items.some((i) => i.kind === 'StatefulSet'));
});

test('k8s synth: bad input gets one message, its exit code, and nothing written', (t) => {
  const out = join(tempDir(t, 'tollgate-k8s-synth'), 'out');
  const cases: [string[], NodeJS.ProcessEnv, number, RegExp][] = [
    [
      ['qa', '--owner', 'u', '--ref', 'no-such-branch-xyz'],
      {},
      64,
      /--ref no-such-branch-xyz is not a commit of this repository: no branch, tag or commit has that name here \(git: /,
    ],
    [['Not_A_Name', '--owner', 'u'], {}, 64, /"Not_A_Name" is not a valid environment name/],
    [['qa', '--owner', 'jane doe'], {}, 64, /"jane doe" cannot be an owner label/],
    [['qa', '--owner', 'u', '--ttl', '45d'], {}, 64, /--ttl must be minutes, hours or days, at most 30d/],
    [['qa', '--owner', 'u', '--database-url-var', 'NOT_SET_ANYWHERE'], { NOT_SET_ANYWHERE: '' }, 78, /NOT_SET_ANYWHERE is not set/],
  ];
  for (const [args, env, code, message] of cases) {
    const r = synth([...args, '--out', out], env);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.out}`);
    assert.match(r.out, message);
    assert.doesNotMatch(r.out, /\n\s+at /, 'no stack trace');
    assert.equal(existsSync(out), false, `${args.join(' ')}: nothing written`);
  }
});
