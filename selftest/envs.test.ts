/**
 * On-demand environments through the real CLI: `tollgate env up` at two git refs of a clone of
 * this repository at once (and the same name twice), each on its own ports, cluster and secrets,
 * seeded; `run --env <name>` gating one like `local`; bad input and a failing step leaving
 * nothing behind; `extend`, `down`, and `reap` removing the expired and the orphaned and warning
 * an owner once by direct message (a fake Slack).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { REPO_ROOT } from '../config/paths.ts';
import { withRegistry, type EnvRecord } from '../envs/registry.ts';
import { isAlive } from '../lib/process.ts';
import { portIsFree } from '../stack/processes.ts';
import type { StackSecrets, StackState } from '../stack/state.ts';
import { startFakeSlack, type FakeSlack } from './fake-slack.ts';
import { noStackTrace, startTollgate, tollgate, workspace, type Run } from './helpers.ts';
import { setTimeout as sleep } from 'node:timers/promises';

const PORTS = process.env.TOLLGATE_ENVS_SELFTEST_PORTS ?? '20400-20429';
const OWNER = 'U0SELFTEST';

describe('on-demand environments (tollgate env)', { concurrency: false, timeout: 600_000 }, () => {
  const { dir, env: ws } = workspace('envs');
  const repo = join(dir, 'repo');
  const envs = ws.TOLLGATE_ENVS_DIR!;
  const env: NodeJS.ProcessEnv = { ...ws, TOLLGATE_ENV_REPO: repo, TOLLGATE_ENV_PORTS: PORTS, TOLLGATE_OWNER: OWNER };
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}, timeout = 180_000) =>
    tollgate(['env', ...args], { ...env, ...extra }, timeout);
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=selftest', '-c', 'user.email=selftest@example.com', ...args], {
      cwd: repo,
      encoding: 'utf8',
    }).trim();
  const registry = () => withRegistry({ dataDir: env.TOLLGATE_RESULTS_DIR! }, (r) => r.list());
  const stateOf = (name: string) => JSON.parse(readFileSync(join(envs, name, 'stack', 'state.json'), 'utf8')) as StackState;
  const secretsOf = (name: string) => JSON.parse(readFileSync(join(envs, name, 'stack', 'secrets.json'), 'utf8')) as StackSecrets;
  const envDirs = () => (existsSync(envs) ? readdirSync(envs).filter((d) => !d.startsWith('.')) : []);
  const portsFree = async (base: number) => (await Promise.all([0, 1, 2].map((i) => portIsFree(base + i)))).every(Boolean);
  let feature: string;
  let main: string;
  let slack: FakeSlack;

  before(async () => {
    execFileSync('git', ['clone', '-q', REPO_ROOT, repo]);
    main = git('rev-parse', '--short', 'HEAD');
    // A feature branch whose web app differs visibly: its bundle must be built from that ref.
    git('checkout', '-q', '-b', 'feature-x');
    const index = join(repo, 'reference-app', 'web', 'index.html');
    writeFileSync(index, readFileSync(index, 'utf8').replace('<title>TagTrust</title>', '<title>TagTrust feature-x</title>'));
    git('commit', '-qam', 'feature-x: a title of its own');
    feature = git('rev-parse', '--short', 'HEAD');
    // A branch whose migration breaks: `env up` must fail at migrate and leave nothing.
    git('checkout', '-q', '-b', 'broken-migration', main);
    writeFileSync(join(repo, 'reference-app', 'db', 'migrations', '0099_broken.sql'), 'CREATE TABLE broken (;\n');
    git('add', '-A');
    git('commit', '-qm', 'a broken migration');
    git('checkout', '-q', main);
    slack = await startFakeSlack();
  });
  after(async () => {
    for (const e of existsSync(env.TOLLGATE_RESULTS_DIR!) ? await registry() : []) await cli(['down', e.name]);
    await slack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const field = (r: Run, label: string) => new RegExp(`^  ${label}\\s+(http\\S+)`, 'm').exec(r.stdout)?.[1];

  test('three `env up` at once: two names at two refs come up on their own ports, seeded; the same name twice is refused', async () => {
    const [a, b, c] = await Promise.all([
      cli(['up', 'qa-main', '--profile', 'smoke', '--ttl', '2h']),
      cli(['up', 'qa-feature', '--ref', 'feature-x', '--profile', 'smoke', '--seed', '4242']),
      cli(['up', 'qa-main', '--profile', 'smoke', '--ttl', '2h']),
    ]);
    assert.equal(b.code, 0, b.stdout + b.stderr);
    const [won, lost] = a.code === 0 ? [a, c] : [c, a];
    assert.equal(won.code, 0, won.stdout + won.stderr);
    assert.equal(lost.code, 64, lost.stdout + lost.stderr);
    assert.match(lost.stderr, /An environment named qa-main already exists \(creating/);
    noStackTrace(lost);

    const main$ = stateOf('qa-main');
    const feature$ = stateOf('qa-feature');
    assert.notEqual(main$.portBase, feature$.portBase);
    assert.deepEqual([main$.build, feature$.build], [main, feature], 'the build id is the ref’s short sha');
    for (const [s, build, title] of [
      [main$, main, '<title>TagTrust</title>'],
      [feature$, feature, '<title>TagTrust feature-x</title>'],
    ] as const) {
      const version = (await (await fetch(`${s.urls.api}/version`)).json()) as { build: string };
      assert.equal(version.build, build);
      assert.ok((await (await fetch(`${s.urls.web}/`)).text()).includes(title), `${s.urls.web} serves its own ref's bundle`);
    }
    assert.match(b.stdout, new RegExp(`environment qa-feature ready in .*: build ${feature} \\(feature-x\\), owner ${OWNER}, expires `));
    assert.equal(field(b, 'web'), `${feature$.urls.web}/`);
    assert.match(b.stdout, /data\s+smoke profile, seed 4242 \(replay with --seed 4242\), \d+ rows/);

    // Each has its own secrets; the admin password is printed once and kept nowhere else but secrets.json.
    const [s1, s2] = [secretsOf('qa-main'), secretsOf('qa-feature')];
    assert.notEqual(s1.adminPassword, s2.adminPassword);
    assert.notEqual(s1.dbPassword, s2.dbPassword);
    assert.equal(b.stdout.split(s2.adminPassword).length - 1, 1, 'the password is shown exactly once');
    const rows = JSON.stringify(await registry());
    for (const secret of [s1.adminPassword, s2.adminPassword, s1.dbPassword, s2.dbPassword])
      assert.ok(!rows.includes(secret), 'no credential in the registry');
    const logs = join(envs, 'qa-feature', 'stack', 'logs');
    for (const f of readdirSync(logs)) assert.ok(!readFileSync(join(logs, f), 'utf8').includes(s2.adminPassword), `no password in ${f}`);

    // Seeded with the chosen profile in its own database: the seed decides the data.
    const db = new pg.Client({ connectionString: feature$.databaseUrl });
    await db.connect();
    try {
      const tags = Number((await db.query('SELECT count(*) AS n FROM tags')).rows[0].n);
      assert.ok(tags > 0, 'seeded');
    } finally {
      await db.end();
    }
  });

  test('env list: name, ref, build, owner, URL, state and expiry of each', async () => {
    const r = await cli(['list']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+REF\s+BUILD\s+OWNER\s+URL\s+STATE\s+EXPIRES IN$/m);
    assert.match(r.stdout, new RegExp(`^qa-main\\s+HEAD\\s+${main}\\s+${OWNER}\\s+http://127\\.0\\.0\\.1:\\d+\\s+ready\\s+1h 5\\dm`, 'm'));
    assert.match(
      r.stdout,
      new RegExp(`^qa-feature\\s+feature-x\\s+${feature}\\s+${OWNER}\\s+http://127\\.0\\.0\\.1:\\d+\\s+ready\\s+7h 5\\dm`, 'm'),
    );
    const json = JSON.parse((await cli(['list', '--json', '--memory'])).stdout) as (EnvRecord & { status: string; memoryMiB: number })[];
    assert.deepEqual(json.map((e) => [e.name, e.status]).sort(), [
      ['qa-feature', 'ready'],
      ['qa-main', 'ready'],
    ]);
    for (const e of json) assert.ok(e.memoryMiB > 10 && e.memoryMiB < 1000, `${e.name} uses ${e.memoryMiB} MiB`);
  });

  test('tollgate run --env <name> gates an on-demand environment like local', async () => {
    const r = await tollgate(
      ['run', '--env', 'qa-feature', '--suite', 'smoke', '--grep', 'report the same build|verify tells a genuine'],
      env,
      240_000,
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, new RegExp(`PROMOTE\\s+qa-feature · build ${feature}`));
    assert.match(r.stdout, /config .*On-demand environment qa-feature: http:\/\/127\.0\.0\.1:\d+/);
  });

  test('bad input and the limit create nothing: a bad name, a configured name, an unknown ref, one environment too many', async () => {
    const before = JSON.stringify((await registry()).map((e) => e.name));
    for (const [args, extra, code, message] of [
      [['up', 'Bad_Name'], {}, 64, /"Bad_Name" is not a valid environment name/],
      [['up', 'staging'], {}, 64, /"staging" is a configured environment/],
      [
        ['up', 'qa-ghost', '--ref', 'no-such-branch'],
        {},
        64,
        /--ref no-such-branch is not a commit of this repository: no branch, tag or commit has that name here/,
      ],
      [['up', 'qa-third'], { TOLLGATE_ENV_MAX: '2' }, 75, /already runs 2 on-demand environments, its limit \(2\)/],
      [['up', 'qa-x', '--ttl', '90d'], {}, 64, /--ttl must be/],
      [['down', 'qa-nothing'], {}, 64, /No on-demand environment named qa-nothing/],
      [['extend', 'qa-main', '--ttl', '30d'], {}, 64, /more than 30 days from now/],
    ] as const) {
      const r = await cli([...args], extra);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      noStackTrace(r);
    }
    assert.equal(JSON.stringify((await registry()).map((e) => e.name)), before);
    assert.deepEqual(envDirs().sort(), ['qa-feature', 'qa-main']);
  });

  test('a step that fails (a broken migration at the ref) removes what it made: processes, files, registry entry', async () => {
    const r = await cli(['up', 'qa-broken', '--ref', 'broken-migration', '--profile', 'smoke']);
    assert.equal(r.code, 70, r.stdout + r.stderr);
    assert.match(r.stderr, /migrate: .*0099_broken\.sql/);
    assert.match(r.stderr, /Nothing of qa-broken is left/);
    noStackTrace(r);
    const base = Number(/reserve .* ports (\d+)-/.exec(r.stdout)?.[1]);
    assert.ok(base > 0, r.stdout);
    assert.ok(await portsFree(base), 'its PostgreSQL was stopped');
    assert.ok(!existsSync(join(envs, 'qa-broken')));
    assert.deepEqual((await registry()).map((e) => e.name).sort(), ['qa-feature', 'qa-main']);
  });

  test('Ctrl-C during env up: the step under way finishes, then everything it made is removed (exit 130)', async () => {
    const run = startTollgate(['env', 'up', 'qa-interrupted', '--profile', 'smoke'], env);
    for (let i = 0; i < 600 && !/^ {2}source /m.test(run.output()); i++) await sleep(50);
    assert.match(run.output(), /^ {2}source /m, run.output());
    run.child.kill('SIGINT');
    assert.equal(await run.exit, 130, run.output());
    assert.match(run.output(), /env up qa-interrupted interrupted \(SIGINT\): finishing the current step/);
    assert.match(run.output(), /nothing of it is left/);
    noStackTrace({ code: 130, stdout: run.output(), stderr: '' });
    const base = Number(/reserve .* ports (\d+)-/.exec(run.output())?.[1]);
    assert.ok(await portsFree(base));
    assert.ok(!existsSync(join(envs, 'qa-interrupted')));
    assert.deepEqual((await registry()).map((e) => e.name).sort(), ['qa-feature', 'qa-main']);
  });

  test('extend adds time; down stops exactly its processes and frees its ports', async () => {
    const expiry = async () => (await registry()).find((e) => e.name === 'qa-main')!.expiresAt.getTime();
    const before = await expiry();
    const r = await cli(['extend', 'qa-main', '--ttl', '1h']);
    assert.equal(r.code, 0, r.stderr);
    // One hour more than it had (up gave 2h; how much of it has passed depends on the machine's speed).
    assert.equal((await expiry()) - before, 3_600_000);
    const shown = /environment qa-main now expires (\S+) \(in (\d+)h (\d+)m\)/.exec(r.stdout);
    assert.ok(shown, r.stdout);
    assert.equal(shown[1], new Date(before + 3_600_000).toISOString().slice(0, 16) + 'Z');
    const left = Number(shown[2]) * 60 + Number(shown[3]);
    assert.ok(left > 150 && left < 180, `${left} min left of the 3 h`);
    const s = stateOf('qa-main');
    const other = stateOf('qa-feature');
    const down = await cli(['down', 'qa-main']);
    assert.equal(down.code, 0, down.stderr);
    for (const [role, pid] of Object.entries(s.pids)) {
      assert.match(down.stdout, new RegExp(`stopped ${role}\\s+pid ${pid}`));
      assert.ok(!isAlive(pid), `${role} stopped`);
    }
    assert.ok(await portsFree(s.portBase));
    assert.ok(Object.values(other.pids).every(isAlive), 'the other environment runs on');
    assert.deepEqual(envDirs(), ['qa-feature']);
    assert.deepEqual(
      (await registry()).map((e) => e.name),
      ['qa-feature'],
    );
  });

  test('reap: warns the owner once by direct message before expiry, then removes the expired and the orphaned', async () => {
    const slackEnv = { SLACK_BOT_TOKEN: 'xoxb-selftest-token', SLACK_API_URL: slack.apiBase };
    const setExpiry = (name: string, at: Date) => withRegistry({ dataDir: env.TOLLGATE_RESULTS_DIR! }, (r) => r.extend(name, at));
    const orphan = await cli(['up', 'qa-orphan', '--profile', 'smoke']);
    assert.equal(orphan.code, 0, orphan.stderr);
    await setExpiry('qa-feature', new Date(Date.now() + 30 * 60_000));

    const dry = await cli(['reap', '--dry-run'], slackEnv);
    assert.match(dry.stdout, /would warn U0SELFTEST: qa-feature expires in 2\dm/);
    assert.match(dry.stdout, /dry run, nothing changed: 0 to remove, 1 to warn/);
    assert.equal(slack.requests.length, 0, 'a dry run tells nobody');

    let r = await cli(['reap'], slackEnv);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /reap: warn U0SELFTEST: qa-feature expires in/);
    assert.equal(slack.requests.length, 1);
    assert.equal(slack.requests[0]!.json.channel, OWNER);
    assert.match(slack.requests[0]!.json.text, /Your environment qa-feature .* expires in/);
    r = await cli(['reap'], slackEnv);
    assert.match(r.stdout, /reap: 0 removed, 0 warned/);
    assert.equal(slack.requests.length, 1, 'warned once');

    // Expired, and an environment whose API died: both removed, with all their processes.
    const feature$ = stateOf('qa-feature');
    const orphan$ = stateOf('qa-orphan');
    await setExpiry('qa-feature', new Date(Date.now() - 60_000));
    process.kill(orphan$.pids.api, 'SIGKILL');
    for (let i = 0; i < 50 && isAlive(orphan$.pids.api); i++) await new Promise((res) => setTimeout(res, 100));
    const listed = await cli(['list']);
    assert.match(listed.stdout, /^qa-orphan\s.*\sdead\s/m);
    assert.match(listed.stdout, /qa-orphan: dead: its processes ended \(api pid \d+\)/);
    r = await cli(['reap'], slackEnv);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /reap: remove qa-feature \(owner U0SELFTEST\): expired at/);
    assert.match(r.stdout, /reap: remove qa-orphan \(owner U0SELFTEST\): orphaned: its processes ended \(api pid \d+\)/);
    assert.match(r.stdout, /reap: 2 removed, 0 warned/);
    for (const [role, pid] of [...Object.entries(feature$.pids), ['postgres', orphan$.pids.postgres], ['web', orphan$.pids.web]] as const)
      assert.ok(
        !isAlive(pid),
        `${role} pid ${pid} stopped: ${r.stdout} ${existsSync(`/proc/${pid}/cmdline`) ? readFileSync(`/proc/${pid}/cmdline`, 'utf8') : ''}`,
      );
    assert.ok((await portsFree(feature$.portBase)) && (await portsFree(orphan$.portBase)));
    assert.deepEqual(envDirs(), []);
    assert.deepEqual(await registry(), []);
    assert.equal(slack.requests.length, 3, 'each owner is told of the removal');
    assert.ok(slack.requests.every((q) => !JSON.stringify(q.json).includes('xoxb-selftest-token')));
  });
});
