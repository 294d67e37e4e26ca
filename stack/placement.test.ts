import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { placeStack, preparePrivateHome, privateHome, removePrivateHome, worldSearchable } from './placement.ts';

const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-place-'));
  chmodSync(dir, 0o755);
  return dir;
};

test('worldSearchable: every existing parent needs o+x; parts not yet created do not count', (t) => {
  const dir = scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'home', 'repo'), { recursive: true });
  chmodSync(join(dir, 'home'), 0o755);
  assert.equal(worldSearchable(join(dir, 'home', 'repo', 'not-yet', 'stack')), true);
  chmodSync(join(dir, 'home'), 0o700);
  assert.equal(worldSearchable(join(dir, 'home', 'repo', '.tollgate', 'stack')), false, 'a 0700 home hides everything under it');
  chmodSync(join(dir, 'home'), 0o711);
  assert.equal(worldSearchable(join(dir, 'home', 'repo')), true, 'search without read is enough');
  chmodSync(join(dir, 'home', 'repo'), 0o750);
  assert.equal(worldSearchable(join(dir, 'home', 'repo')), false, 'the directory itself counts too');
});

test('placeStack: inside the stack directory when it is reachable or we are not root; else one private home per stack directory', (t) => {
  const dir = scratch();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const env = { TOLLGATE_PRIVATE_ROOT: join(dir, 'var-tmp') };
  mkdirSync(join(dir, 'open', 'stack'), { recursive: true });
  mkdirSync(join(dir, 'closed', 'stack'), { recursive: true, mode: 0o700 });
  chmodSync(join(dir, 'closed'), 0o700);

  const open = placeStack(join(dir, 'open', 'stack'), 5432, env, true);
  assert.equal(open.home, undefined);
  assert.equal(open.cluster.dataDir, join(dir, 'open', 'stack', 'pgdata'));
  assert.equal(open.wwwDir, join(dir, 'open', 'stack', 'www'));

  assert.equal(placeStack(join(dir, 'closed', 'stack'), 5432, env, false).home, undefined, 'not root: postgres runs as us');

  const closed = placeStack(join(dir, 'closed', 'stack'), 5432, env, true);
  assert.match(closed.home!, new RegExp(`^${join(dir, 'var-tmp')}/tollgate-[0-9a-f]{12}$`));
  assert.equal(closed.cluster.dataDir, join(closed.home!, 'pgdata'));
  assert.equal(closed.cluster.logFile, join(closed.home!, 'postgres.log'));
  assert.equal(closed.wwwDir, join(closed.home!, 'www'));
  assert.equal(closed.cluster.port, 5432);
  assert.equal(privateHome(join(dir, 'closed', 'stack'), env), closed.home, 'the same stack directory, the same home');
  assert.notEqual(privateHome(join(dir, 'other', 'stack'), env), closed.home, 'another stack directory, another home');

  // A cluster already in the private home keeps being used, even once the stack dir became reachable.
  mkdirSync(join(closed.home!, 'pgdata'), { recursive: true });
  writeFileSync(join(closed.home!, 'pgdata', 'PG_VERSION'), '15\n');
  chmodSync(join(dir, 'closed'), 0o755);
  chmodSync(join(dir, 'closed', 'stack'), 0o755);
  assert.equal(placeStack(join(dir, 'closed', 'stack'), 5432, env, true).home, closed.home);

  assert.equal(removePrivateHome(join(dir, 'closed', 'stack'), env), closed.home);
  assert.equal(removePrivateHome(join(dir, 'closed', 'stack'), env), undefined, 'nothing left to remove');
  assert.equal(placeStack(join(dir, 'closed', 'stack'), 5432, env, true).home, undefined);
});

test(
  'preparePrivateHome: 0711 and root-owned; a planted symlink or a directory of another user is refused',
  { skip: process.getuid?.() !== 0 && 'needs root' },
  (t) => {
    const dir = scratch();
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const home = join(dir, 'tollgate-abc');
    preparePrivateHome(home);
    assert.equal(lstatSync(home).mode & 0o777, 0o711);
    preparePrivateHome(home); // again: fine

    const planted = join(dir, 'tollgate-planted');
    mkdirSync(join(dir, 'elsewhere'));
    symlinkSync(join(dir, 'elsewhere'), planted);
    assert.throws(() => preparePrivateHome(planted), /not a directory owned by root/);

    const foreign = join(dir, 'tollgate-foreign');
    mkdirSync(foreign);
    chownSync(foreign, 65534, 65534); // nobody's
    assert.throws(() => preparePrivateHome(foreign), /not a directory owned by root/);
  },
);
