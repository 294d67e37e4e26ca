/**
 * `npm run release-train` end to end, on the smoke suite (the wiring is the point here: the
 * full suites run in `npm run release-train` itself): build A through dev and staging, refused
 * into prod until approved, gated read-only there without a row written; build B BLOCKed at dev
 * and refused; the last line and exit code say so, and the stacks are gone afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import { runNode } from '../lib/spawn.ts';
import { portIsFree } from '../stack/processes.ts';

const BASE = Number(process.env.TOLLGATE_TRAIN_SELFTEST_PORT_BASE ?? 20500);

test(
  'the release train: A reaches prod through an approval and a read-only gate; B stops at dev; two promotions refused',
  { timeout: 600_000 },
  async (t) => {
    const r = await runNode(
      ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'release-train.ts'), '--suite', 'smoke', '--port-base', String(BASE)],
      {
        cwd: REPO_ROOT,
        // Smoke alone runs fewer tests than staging's MIN_TESTS (50) asks of a full run; prod's own is 5.
        env: { ...process.env, TOLLGATE_MIN_TESTS: '5', CI: '' },
        timeoutMs: 580_000,
      },
    );
    const work = /work in (\.tollgate\/release-train-\w+)/.exec(r.output)?.[1];
    t.after(() => work && rmSync(join(REPO_ROOT, work), { recursive: true, force: true }));
    assert.equal(r.code, 0, r.output);
    const lines = r.output.trimEnd().split('\n');
    assert.match(lines.at(-1)!, /^release-train: A reached prod in \d+ s; B stopped at dev \(BLOCK\); 2 promotions refused$/);
    for (const step of [
      /gate dev rt-a-\w+: PROMOTE/,
      /promote rt-a-\w+ → staging: ALLOWED/,
      /gate staging rt-a-\w+: PROMOTE/,
      /promote rt-a-\w+ → prod: REFUSED: prod requires a person's approval/,
      /approved by rita\.release-manager/,
      /promote rt-a-\w+ → prod: ALLOWED/,
      /gate prod rt-a-\w+: PROMOTE/,
      /✓ prod's business tables unchanged by its gate \(users (\d+)→\1, assets (\d+)→\2, tags (\d+)→\3, tag_links (\d+)→\4, audit_log (\d+)→\5\)/,
      /gate dev rt-b-\w+: BLOCK .*\[critical-failed\]/,
      /promote rt-b-\w+ → staging: REFUSED: build rt-b-\w+ has no PROMOTE or WARN in dev/,
    ])
      assert.match(r.output, step);
    // In that order.
    const at = (s: string) => r.output.indexOf(s);
    assert.ok(
      at('gate dev rt-a') < at('gate staging rt-a') &&
        at('gate staging rt-a') < at('gate prod rt-a') &&
        at('gate prod rt-a') < at('gate dev rt-b'),
    );
    assert.doesNotMatch(r.output, /✗/);
    // Each gate's Slack payload is kept; the stacks are gone.
    assert.ok(work && existsSync(join(REPO_ROOT, work, 'slack')));
    assert.deepEqual(
      readdirSync(join(REPO_ROOT, work!, 'slack')).map((f) => f.replace(/^\d+-/, '').replace(/-rt-([ab])-\w+\.json$/, ' $1')),
      ['dev a', 'staging a', 'prod a', 'dev b'],
    );
    for (const port of [BASE, BASE + 10, BASE + 20]) assert.ok(await portIsFree(port), `port ${port} is free again`);
  },
);
