import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../config/errors.ts';
import { BUILD_ID, checkBuildId } from '../config/ids.ts';
import { focusReason } from './focus.ts';
import { decidePromotion, type PromotionInput } from './promotion.ts';
import type { Approval, HistoryRun, Verdict } from './types.ts';

const NOW = new Date('2026-11-22T12:00:00Z');
const counts = { total: 10, passed: 10, failed: 0, flaky: 0, skipped: 0, quarantined: 0 };
let seq = 0;
/** A run of `build` in `env`, `daysAgo` before NOW. */
const run = (verdict: Verdict, daysAgo: number, over: Partial<HistoryRun> = {}): HistoryRun => ({
  runId: `tg_run${String(++seq).padStart(3, '0')}`,
  environment: 'staging',
  build: '3f2c1a9',
  verdict,
  startedAt: new Date(NOW.getTime() - daysAgo * 86_400_000).toISOString(),
  durationMs: 60_000,
  counts,
  results: {},
  ...over,
});
const decide = (runs: PromotionInput['runs'], over: Partial<PromotionInput> = {}) =>
  decidePromotion({
    build: '3f2c1a9',
    to: 'prod',
    from: 'staging',
    runs,
    policy: { acceptWarn: true, promotionMaxAgeDays: 7 },
    now: NOW,
    ...over,
  });

describe('decidePromotion', () => {
  test('a focused run (--grep) is never the evidence, and the refusal says why; a full run still is', () => {
    const focused = { ...run('PROMOTE', 0.5), reasons: [focusReason('verify page', 'PROMOTE')] };
    const refused = decide([focused]);
    assert.equal(refused.allowed, false);
    assert.match(refused.reasons.join('\n'), /PROMOTE there \(tg_run\d+, .*\) was a focused run \(--grep\): only a full run is evidence/);
    const full = run('PROMOTE', 2);
    const allowed = decide([full, focused]);
    assert.equal(allowed.allowed, true);
    assert.equal(allowed.evidence, full, 'the older full run, not the newer focused one');
    // A focused BLOCK is a real failure of the build: it still takes the evidence back.
    const blocked = decide([full, { ...run('BLOCK', 1), reasons: [focusReason('verify', 'BLOCK')] }]);
    assert.equal(blocked.allowed, false);
  });

  test('the newest PROMOTE within the maximum age is the evidence', () => {
    const older = run('PROMOTE', 3);
    const newer = run('PROMOTE', 1);
    const d = decide([older, newer]);
    assert.equal(d.allowed, true);
    assert.equal(d.evidence, newer);
    assert.match(d.reasons[0]!, new RegExp(`build 3f2c1a9 got PROMOTE in staging \\(${newer.runId}, 2026-11-21 12:00 UTC, 1 day ago\\)`));
  });

  test('WARN is evidence only when the target accepts it', () => {
    const warn = run('WARN', 1);
    assert.equal(decide([warn]).allowed, true);
    assert.equal(decide([warn]).evidence, warn);
    const strict = decide([warn], { policy: { acceptWarn: false, promotionMaxAgeDays: 7 } });
    assert.equal(strict.allowed, false);
    assert.equal(strict.evidence, undefined);
    assert.match(strict.reasons.join('\n'), /has no PROMOTE in staging/);
    assert.match(strict.reasons.join('\n'), /prod does not accept WARN evidence \(ACCEPT_WARN=false\)/);
  });

  test('with WARN not accepted, an older PROMOTE still counts past a newer WARN', () => {
    const promote = run('PROMOTE', 2);
    const d = decide([promote, run('WARN', 1)], { policy: { acceptWarn: false, promotionMaxAgeDays: 7 } });
    assert.equal(d.allowed, true);
    assert.equal(d.evidence, promote);
  });

  test('a BLOCK after the evidence denies, naming both runs', () => {
    const promote = run('PROMOTE', 3);
    const block = run('BLOCK', 1);
    const d = decide([promote, block]);
    assert.equal(d.allowed, false);
    assert.equal(d.evidence, promote, 'the evidence it would have used is still given');
    assert.match(d.reasons[0]!, new RegExp(`was BLOCKed in staging \\(${block.runId}.*after its PROMOTE there \\(${promote.runId}`));
  });

  test('a BLOCK before the evidence does not deny: the build passed since', () => {
    const d = decide([run('BLOCK', 3), run('PROMOTE', 1)]);
    assert.equal(d.allowed, true);
  });

  test('a later INCONCLUSIVE does not deny, and is mentioned', () => {
    const inconclusive = run('INCONCLUSIVE', 1);
    const d = decide([run('PROMOTE', 2), inconclusive]);
    assert.equal(d.allowed, true);
    assert.match(d.reasons[1]!, new RegExp(`${inconclusive.runId}.*INCONCLUSIVE.*does not count against the build`));
  });

  test('evidence older than the maximum age denies, naming its age', () => {
    const old = run('PROMOTE', 8);
    const d = decide([old]);
    assert.equal(d.allowed, false);
    assert.match(d.reasons[0]!, /no PROMOTE or WARN in staging within the last 7 days \(PROMOTION_MAX_AGE_DAYS of prod\)/);
    assert.match(d.reasons[1]!, new RegExp(`its last PROMOTE there \\(${old.runId}, .*8 days ago\\) is too old`));
    assert.equal(decide([old], { policy: { acceptWarn: true, promotionMaxAgeDays: 10 } }).allowed, true);
  });

  test('the maximum age boundary is inclusive', () => {
    assert.equal(decide([run('PROMOTE', 7)]).allowed, true);
    assert.equal(decide([run('PROMOTE', 7.001)]).allowed, false);
  });

  test('only BLOCKs: denied with what its last run was', () => {
    const last = run('BLOCK', 1);
    const d = decide([run('BLOCK', 2), last]);
    assert.equal(d.allowed, false);
    assert.equal(d.evidence, undefined);
    assert.match(
      d.reasons.join('\n'),
      new RegExp(
        `has no PROMOTE or WARN in staging.*\\n.*its last run there \\(${last.runId}, 2026-11-21 12:00 UTC, 1 day ago\\) was BLOCK`,
      ),
    );
  });

  test('runs of other builds or other environments are not evidence', () => {
    const d = decide([run('PROMOTE', 1, { build: 'deadbee' }), run('PROMOTE', 1, { environment: 'dev' })]);
    assert.equal(d.allowed, false);
    assert.match(d.reasons[0]!, /build 3f2c1a9 has never been run in staging; run `tollgate run --env staging --build 3f2c1a9` first/);
  });

  test('the first environment in the order cannot be promoted into', () => {
    const d = decide([run('PROMOTE', 1)], { to: 'local', from: undefined });
    assert.equal(d.allowed, false);
    assert.match(d.reasons[0]!, /local is the first environment in the promotion order/);
  });

  test('a run in the future (clock skew) does not break the order', () => {
    const d = decide([run('BLOCK', -0.01), run('PROMOTE', 1)]);
    assert.equal(d.allowed, false);
  });
});

describe('build ids', () => {
  test('shas, tags and CI build numbers are accepted', () => {
    for (const id of ['3f2c1a9', 'v1.2.3', '1024', 'release_2026-11.1', 'a'.repeat(64)]) assert.equal(checkBuildId(id), id);
  });

  test('anything else is a UsageError naming the value', () => {
    for (const id of ['', '-rf', '.hidden', 'a b', 'x/y', "3f2c'; DROP", 'a'.repeat(65)]) {
      assert.equal(BUILD_ID.test(id), false, id);
      assert.throws(
        () => checkBuildId(id),
        (e: unknown) => e instanceof UsageError && e.exitCode === 64 && e.message.includes(`"${id}" is not a build id`),
      );
    }
  });
});

describe('decidePromotion with REQUIRES_APPROVAL', () => {
  const approval = (over: Partial<Approval> = {}): Approval => ({
    build: '3f2c1a9',
    environment: 'prod',
    approver: 'carol',
    at: '2026-11-22T11:00:00.000Z',
    ...over,
  });
  test('good evidence without an approval is denied, saying how to approve; with one it is allowed and names the approver', () => {
    const runs = [run('PROMOTE', 1)];
    const denied = decide(runs, { approval: { required: true, approvals: [] } });
    assert.equal(denied.allowed, false);
    assert.match(
      denied.reasons[0]!,
      /prod requires a person's approval \(REQUIRES_APPROVAL\) and none is recorded for build 3f2c1a9: `tollgate approve --build 3f2c1a9 --to prod --approver <name>`/,
    );
    assert.match(denied.reasons[1]!, /got PROMOTE in staging/, 'the evidence is still shown');
    const allowed = decide(runs, { approval: { required: true, approvals: [approval({ note: 'CAB-1' })] } });
    assert.equal(allowed.allowed, true);
    assert.match(allowed.reasons.at(-1)!, /^approved by carol at 2026-11-22 11:00 UTC \(CAB-1\)\.$/);
  });
  test("an approval never replaces evidence, and another build's or environment's approval does not count", () => {
    assert.equal(decide([run('BLOCK', 1)], { approval: { required: true, approvals: [approval()] } }).allowed, false);
    assert.equal(decide([], { approval: { required: true, approvals: [approval()] } }).allowed, false);
    for (const other of [approval({ build: 'other' }), approval({ environment: 'staging' })])
      assert.equal(decide([run('PROMOTE', 1)], { approval: { required: true, approvals: [other] } }).allowed, false);
    assert.equal(
      decide([run('PROMOTE', 1)], { approval: { required: false, approvals: [] } }).allowed,
      true,
      'not required: evidence alone',
    );
  });
});
