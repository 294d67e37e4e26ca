import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, UsageError } from '../config/errors.ts';
import { REPO_ROOT } from '../config/paths.ts';
import {
  changedPaths,
  describeSelection,
  loadChangeMap,
  parseChangeMap,
  parseComponents,
  selectRuns,
  testListInvert,
  type ChangeMap,
} from './changes.ts';

const API = ['tests/regression/permissions.spec.ts', 'tests/regression/pagination.spec.ts'];
const WEB = ['tests/regression/web-health.spec.ts', 'tests/regression/pagination-web.spec.ts'];
const raw = {
  changes: [
    { paths: 'db/migrations/**', runs: ['all'], why: 'migration' },
    { paths: '**/*.md', runs: [], why: 'documentation' },
    { paths: 'api/**', runs: ['api'], why: 'API code' },
    { paths: 'web/**', runs: ['web'], why: 'web app code' },
  ],
  regression: { api: API, web: WEB },
};
const map: ChangeMap = parseChangeMap(raw, 'changes.json', () => true);
const select = (changed?: string[], components?: ('api' | 'web' | 'db')[]) => selectRuns(map, { changed, components });

test('the committed map is valid and classifies every regression spec', () => {
  const committed = loadChangeMap();
  const classified = new Set([...committed.regression.api, ...committed.regression.web]);
  const specs = readdirSync(join(REPO_ROOT, 'tests', 'regression'))
    .filter((f) => f.endsWith('.spec.ts'))
    .map((f) => `tests/regression/${f}`);
  assert.deepEqual(
    specs.filter((f) => !classified.has(f)),
    [],
    'unclassified specs always run: classify new ones in config/changes.json',
  );
  assert.deepEqual(selectRuns(committed, { changed: ['reference-app/db/migrations/0009_x.sql'] }).all, true);
});

test('web-only change: API regression specs are skipped, web ones run', () => {
  const s = select(['web/src/App.tsx']);
  assert.deepEqual(
    { all: s.all, layers: s.layers, skipRegression: s.skipRegression },
    { all: false, layers: ['web'], skipRegression: false },
  );
  assert.deepEqual(s.skipped, [...API].sort());
  assert.deepEqual(s.causes, [{ source: 'web/src/App.tsx', runs: ['web'], why: 'web app code' }]);
});

test('api-only change, also under the reference-app/ prefix: web regression specs are skipped', () => {
  for (const path of ['api/app.py', 'reference-app/api/tags.py']) {
    const s = select([path]);
    assert.deepEqual(s.layers, ['api'], path);
    assert.deepEqual(s.skipped, [...WEB].sort(), path);
  }
});

test('a migration runs everything', () => {
  const s = select(['api/app.py', 'db/migrations/0007_add_index.sql']);
  assert.deepEqual(
    { all: s.all, layers: s.layers, skipped: s.skipped, skipRegression: s.skipRegression },
    { all: true, layers: ['api', 'web'], skipped: [], skipRegression: false },
  );
});

test('a path the map does not know runs everything (safe default) and says so', () => {
  const s = select(['web/src/App.tsx', 'infra/nginx.conf']);
  assert.equal(s.all, true);
  assert.deepEqual(s.skipped, []);
  assert.match(s.causes[1]!.why, /not in config\/changes\.json/);
});

test('docs only: the regression suite is skipped, verify and smoke still run', () => {
  const s = select(['README.md', 'api/README.md']);
  assert.deepEqual(
    { layers: s.layers, skipRegression: s.skipRegression, skipped: s.skipped },
    { layers: [], skipRegression: true, skipped: [] },
  );
  assert.match(
    describeSelection(s, ['smoke', 'regression']),
    /no product change \(README\.md \+1 more → nothing: documentation\): skipping the regression suite; verify and smoke run in full/,
  );
});

test('first match wins: api/README.md is documentation, not API code', () => {
  assert.deepEqual(select(['api/README.md']).causes[0]!.runs, []);
  const reordered = parseChangeMap({ ...raw, changes: [raw.changes[2], raw.changes[1]] }, 'x', () => true);
  assert.deepEqual(selectRuns(reordered, { changed: ['api/README.md'] }).layers, ['api']);
});

test('--components selects directly: web, api, db = everything; with --changed the union', () => {
  assert.deepEqual(select(undefined, ['web']).layers, ['web']);
  assert.deepEqual(select(undefined, ['api']).skipped, [...WEB].sort());
  assert.equal(select(undefined, ['db']).all, true);
  const both = select(['web/src/App.tsx'], ['api']);
  assert.deepEqual({ all: both.all, layers: both.layers, skipped: both.skipped }, { all: false, layers: ['api', 'web'], skipped: [] });
  assert.deepEqual(select(['api/a.py', 'web/b.tsx']).layers, ['api', 'web']);
});

test('a spec classified under both layers runs when either is selected', () => {
  const shared = parseChangeMap({ ...raw, regression: { api: [...API, WEB[0]], web: WEB } }, 'x', () => true);
  assert.ok(!selectRuns(shared, { changed: ['api/a.py'] }).skipped.includes(WEB[0]!));
  assert.ok(selectRuns(shared, { changed: ['api/a.py'] }).skipped.includes(WEB[1]!));
});

test('the output line names what is skipped and why', () => {
  const line = describeSelection(select(['api/app.py', 'api/tags.py']), ['smoke', 'regression']);
  assert.equal(
    line,
    'differential: api-only change (api/app.py +1 more → api: API code): skipping web regression specs pagination-web.spec.ts, web-health.spec.ts; verify and smoke run in full',
  );
  assert.match(describeSelection(select(['api/app.py']), ['smoke']), /nothing to skip \(only regression is narrowed; suites smoke\)/);
  assert.match(
    describeSelection(select(['x/y']), ['regression']),
    /^differential: everything runs \(x\/y → all: not in config.*\): nothing skipped/,
  );
});

test('the Playwright test list names the skipped files relative to tests/, in the regression project only', () => {
  assert.equal(testListInvert(WEB), '[regression] › regression/web-health.spec.ts\n[regression] › regression/pagination-web.spec.ts\n');
});

test('--changed: a file list, or a git range resolved by git', () => {
  const calls: string[] = [];
  const gitDiff = (range: string) => (calls.push(range), ['api/app.py']);
  assert.deepEqual(changedPaths(' api/app.py, ./web/src/App.tsx ,', gitDiff), ['api/app.py', 'web/src/App.tsx']);
  assert.deepEqual(calls, [], 'a file list does not call git');
  assert.deepEqual(changedPaths('main...HEAD', gitDiff), ['api/app.py']);
  assert.deepEqual(changedPaths('abc123..def456', gitDiff), ['api/app.py']);
  assert.deepEqual(calls, ['main...HEAD', 'abc123..def456']);
  assert.throws(() => changedPaths(' , ', gitDiff), UsageError);
  assert.throws(
    () => changedPaths('--output=x..y', gitDiff),
    (e: unknown) => e instanceof UsageError && e.exitCode === 64,
  );
});

test('--changed with a range git does not know is a usage error (exit 64) with a hint', () => {
  assert.throws(
    () => changedPaths('no-such-ref-123..HEAD'),
    (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.exitCode, 64);
      assert.match(e.message, /--changed no-such-ref-123\.\.HEAD: git diff --name-only failed/);
      assert.match(e.hint ?? '', /--changed api\/app\.py/);
      return true;
    },
  );
});

test('--components: known names only', () => {
  assert.deepEqual(parseComponents('web, api,web'), ['web', 'api']);
  assert.throws(() => parseComponents('web,ui'), /unknown component\(s\): ui\. Known: api, web, db/);
  assert.throws(() => parseComponents(''), UsageError);
});

test('every invalid map entry is named in one ConfigError', () => {
  const bad = {
    changes: [
      raw.changes[0],
      { paths: 'web/**', runs: ['frontend'], why: 'web' },
      { paths: '', runs: [], why: '' },
      { ...raw.changes[2], extra: 1 },
    ],
    regression: { api: ['tests/regression/gone.spec.ts'], web: ['web.spec.ts'] },
  };
  assert.throws(
    () => parseChangeMap(bad, 'config/changes.json', (f) => !f.includes('gone')),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.exitCode, 78);
      assert.match(e.message, /^config\/changes\.json has invalid entries/);
      assert.match(e.message, /changes entry 2 \("web\/\*\*"\) "runs\.0"/);
      assert.match(e.message, /changes entry 3 "paths": must be a glob/);
      assert.match(e.message, /changes entry 3 "why": must say why/);
      assert.match(e.message, /changes entry 4 \("api\/\*\*"\): Unrecognized key/);
      assert.match(e.message, /regression\.api entry 1: tests\/regression\/gone\.spec\.ts does not exist/);
      assert.match(e.message, /regression\.web entry 1: must be a file like tests\/regression\/name\.spec\.ts, got "web\.spec\.ts"/);
      assert.doesNotMatch(e.message, /changes entry 1/);
      return true;
    },
  );
  assert.throws(() => parseChangeMap({ changes: [] }, 'x', () => true), /must be an object with "changes"/);
});
