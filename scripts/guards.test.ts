/**
 * The guard rails of `npm test` (its static group) catch what they are there for: a type error,
 * an upward import and an import cycle, each in a small tree of its own, checked with the
 * project's own compiler options and layering rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import { tempDir } from '../testing/temp.ts';

const bin = (name: string) => join(REPO_ROOT, 'node_modules', '.bin', name);

function tree(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      extends: join(REPO_ROOT, 'tsconfig.json'),
      compilerOptions: { typeRoots: [join(REPO_ROOT, 'node_modules', '@types')] },
      include: ['**/*.ts'],
    }),
  );
}

const cruise = (dir: string, folders: string[]) =>
  spawnSync(bin('depcruise'), ['--config', join(REPO_ROOT, '.dependency-cruiser.cjs'), '--output-type', 'err', ...folders], {
    cwd: dir,
    encoding: 'utf8',
  });

test('the type check fails on a type error', (t) => {
  const dir = tempDir(t, 'tollgate-guard-types');
  tree(dir, { 'config/bad.ts': "export const port: number = 'eighty';\n" });
  const r = spawnSync(bin('tsc'), ['--noEmit', '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /bad\.ts\(1,14\): error TS2322: Type 'string' is not assignable to type 'number'/);
});

test('the layering check fails on an upward import, naming the rule and both files', (t) => {
  const dir = tempDir(t, 'tollgate-guard-layers');
  tree(dir, {
    'gate/policy.ts': "import { registerRun } from '../scripts/run.ts';\nexport const x = registerRun;\n",
    'scripts/run.ts': 'export const registerRun = 1;\n',
    'seed/seed.ts': "import { x } from '../gate/policy.ts';\nexport const y = x;\n",
  });
  const r = cruise(dir, ['gate', 'scripts', 'seed']);
  assert.notEqual(r.status, 0);
  assert.match(r.stdout, /only-scripts-import-scripts: gate\/policy\.ts → scripts\/run\.ts/);
  assert.match(r.stdout, /seed-imports-only-below: seed\/seed\.ts → gate\/policy\.ts/);
});

test('the layering check fails on an import cycle, and passes a tree that imports downward only', (t) => {
  const dir = tempDir(t, 'tollgate-guard-cycle');
  tree(dir, {
    'gate/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
    'gate/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
  });
  const cycle = cruise(dir, ['gate']);
  assert.notEqual(cycle.status, 0);
  assert.match(cycle.stdout, /no-circular: gate\/a\.ts →\s+gate\/b\.ts →\s+gate\/a\.ts/);

  const ok = tempDir(t, 'tollgate-guard-ok');
  tree(ok, {
    'config/errors.ts': 'export class E extends Error {}\n',
    'gate/policy.ts': "import { E } from '../config/errors.ts';\nexport const e = new E();\n",
    'scripts/cli.ts': "import { e } from '../gate/policy.ts';\nexport const cli = e;\n",
  });
  const clean = cruise(ok, ['config', 'gate', 'scripts']);
  assert.equal(clean.status, 0, clean.stdout);
});
