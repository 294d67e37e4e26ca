/**
 * The quick start from a checkout nobody else can enter: a copy of this working tree in a 0700
 * directory (as a clone under /root is). As root, PostgreSQL runs as `postgres` and nginx's
 * workers as an unprivileged user; neither can reach that checkout, so `stack up` must put the
 * cluster and the web root in a private home under /var/tmp, say so, and `down --purge` must
 * remove it. Only meaningful as root (otherwise everything runs as the caller).
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import { portIsFree } from '../stack/processes.ts';
import type { StackState } from '../stack/state.ts';
import { tollgate } from './helpers.ts';

const BASE = Number(process.env.TOLLGATE_PRIVATE_SELFTEST_PORT_BASE ?? 20300);
const root = process.getuid?.() === 0;

/** The working tree as a fresh checkout holds it: tracked and unignored files, node_modules linked, the web bundle copied. */
function checkoutInto(target: string): void {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && existsSync(join(REPO_ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(target, f)), { recursive: true });
    cpSync(join(REPO_ROOT, f), join(target, f), { verbatimSymlinks: true });
  }
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(target, 'node_modules'));
  const dist = join(REPO_ROOT, 'reference-app', 'web', 'dist');
  if (existsSync(dist)) cpSync(dist, join(target, 'reference-app', 'web', 'dist'), { recursive: true }); // else the checkout builds it
}

describe(
  'a checkout in a 0700 directory (a clone under /root)',
  { skip: !root && 'as non-root, PostgreSQL and nginx run as the caller' },
  () => {
    const home = mkdtempSync(join(tmpdir(), 'tollgate-home-')); // 0700, like /root
    const checkout = join(home, 'tollgate');
    const cli = (args: string[]) =>
      tollgate(
        args,
        { TOLLGATE_STACK_DIR: '', TOLLGATE_PRIVATE_ROOT: '', ADMIN_PASSWORD: '' },
        180_000,
        join(checkout, 'scripts', 'tollgate.js'),
      );

    after(async () => {
      await cli(['stack', 'down', '--purge']);
      rmSync(home, { recursive: true, force: true });
    });

    test('stack up puts the cluster and web root in a private home under /var/tmp, and down --purge removes it', async () => {
      assert.equal(statSync(home).mode & 0o777, 0o700);
      checkoutInto(checkout);
      const stackDir = join(checkout, '.tollgate', 'stack');

      const up = await cli(['stack', 'up', '--port-base', String(BASE), '--build', 'private-1']);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      const where = /cluster\s+(\/var\/tmp\/tollgate-[0-9a-f]{12})\/pgdata/.exec(up.stdout)?.[1];
      assert.ok(where, `up names the private home:\n${up.stdout}`);
      assert.match(up.stdout, /postgres init .*is not world-searchable/);

      // The private home: root's, searchable but not listable; the data directory postgres's own.
      assert.equal(lstatSync(where).uid, 0);
      assert.equal(lstatSync(where).mode & 0o777, 0o711);
      const pgdata = statSync(join(where, 'pgdata'));
      assert.notEqual(pgdata.uid, 0, 'the cluster belongs to postgres');
      assert.equal(pgdata.mode & 0o777, 0o700);
      assert.ok(existsSync(join(where, 'www', 'index.html')), 'the web root is there');
      assert.ok(!existsSync(join(stackDir, 'pgdata')) && !existsSync(join(stackDir, 'www')));
      assert.match(
        readFileSync(join(stackDir, 'logs', 'postgres.log'), 'utf8'),
        /database system is ready/,
        "the stack's logs point at the server log",
      );

      // The stack works end to end: web, API behind nginx, database at head.
      const state = JSON.parse(readFileSync(join(stackDir, 'state.json'), 'utf8')) as StackState;
      assert.equal(state.pgdata, join(where, 'pgdata'));
      assert.equal(((await (await fetch(`${state.urls.web}/version.json`)).json()) as { build: string }).build, 'private-1');
      assert.equal(((await (await fetch(`${state.urls.api}/version`)).json()) as { build: string }).build, 'private-1');
      assert.equal((await fetch(state.urls.readyz)).status, 200);

      // A redeploy finds the same home and keeps the data.
      const again = await cli(['stack', 'up', '--port-base', String(BASE), '--build', 'private-2', '--quiet']);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /stack redeployed/);
      assert.equal(((await (await fetch(`${state.urls.web}/version.json`)).json()) as { build: string }).build, 'private-2');

      const down = await cli(['stack', 'down', '--purge']);
      assert.equal(down.code, 0, down.stderr);
      assert.match(down.stdout, new RegExp(`removed ${where} \\(its database cluster and web root\\)`));
      assert.ok(!existsSync(where) && !existsSync(stackDir));
      for (const port of Object.values(state.ports)) assert.ok(await portIsFree(port), `port ${port} is free again`);
    });
  },
);
