import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { SAMPLE, Shape, TABLES, rows, rotationFor, type GenerateInput } from './generate.ts';
import { HOSTILE, INJECTED_MARKER } from './hostile.ts';
import { makePlan } from './plan.ts';
import { buildPools } from './pools.ts';
import { isValidCode } from './tagcode.ts';

function input(seed: number, profile = 'regression', runId = 'tg_20261122000000_abcdef', batches = [4242]): GenerateInput {
  const plan = makePlan(profile, profile === 'volume' ? 20_000 : undefined, rotationFor(seed, profile));
  const range = (n: number, start: number) => Float64Array.from({ length: n }, (_, i) => start + i);
  return {
    seed,
    plan,
    runId,
    batches,
    anchor: new Date('2026-11-22T07:00:00Z'),
    pools: buildPools(seed),
    ids: { users: range(10, 500), assets: range(plan.assets, 1000), tags: range(plan.tags, 90_000) },
    userHashes: Array.from({ length: 10 }, (_, i) => `pbkdf2:sha256:5000$salt${i}$${'ab'.repeat(32)}`),
  };
}

const text = (i: GenerateInput, table: (typeof TABLES)[number]['table']) => [...rows(table, i)].map((c) => c.text).join('');
const digest = (i: GenerateInput) =>
  Object.fromEntries(TABLES.map((t) => [t.table, createHash('sha256').update(text(i, t.table)).digest('hex')]));

test('the same seed, profile and scale give byte-identical rows in every table', () => {
  for (const profile of ['smoke', 'regression', 'demo', 'volume']) {
    assert.deepEqual(digest(input(1234, profile)), digest(input(1234, profile)), profile);
  }
});

test('another seed gives other data', () => {
  const a = digest(input(1234));
  const b = digest(input(1235));
  for (const t of ['assets', 'tags', 'verifications']) assert.notEqual(a[t], b[t], t);
});

test('a replay under another run id differs only in its run markers', () => {
  const a = input(99, 'regression', 'tg_20261122000000_aaaaaa');
  const b = input(99, 'regression', 'tg_20261123000000_bbbbbb');
  for (const t of TABLES) {
    assert.equal(text(b, t.table).replaceAll(b.runId, a.runId), text(a, t.table), t.table);
  }
});

test('two runs with the same seed in different batches share no code and no fingerprint', () => {
  const codes = (i: GenerateInput) =>
    text(i, 'tags')
      .trim()
      .split('\n')
      .map((l) => l.split('\t'));
  const a = codes(input(7, 'regression', undefined, [100]));
  const b = codes(input(7, 'regression', undefined, [101]));
  const aCodes = new Set(a.map((r) => r[1]));
  const aPrints = new Set(a.map((r) => r[2]));
  assert.ok(b.every((r) => !aCodes.has(r[1]) && !aPrints.has(r[2])));
});

test("rows look like the product's: valid codes, hex fingerprints, the status mix, run markers", () => {
  const i = input(5);
  const tags = text(i, 'tags')
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  assert.equal(tags.length, i.plan.tags);
  assert.ok(tags.every((r) => isValidCode(r[1]!) && /^[0-9a-f]{64}$/.test(r[2]!)));
  const share = (s: string) => tags.filter((r) => r[3] === s).length / tags.length;
  assert.equal(share('active'), 0.7);
  assert.equal(share('unassigned'), 0.2);
  assert.equal(share('revoked'), 0.1);
  assert.ok(
    tags.filter((r) => r[3] === 'revoked').every((r) => r[4] !== '\\N' && r[5] !== '\\N'),
    'revoked tags say when and why',
  );
  assert.ok(tags.every((r) => JSON.parse(r[6]!).tollgate_run === i.runId));
  const links = text(i, 'tag_links').trim().split('\n');
  assert.equal(links.length, i.plan.links);
  const scans = text(i, 'verifications')
    .trim()
    .split('\n')
    .map((l) => l.split('\t'));
  assert.equal(scans.length, i.plan.verifications);
  assert.ok(scans.every((r) => r[4]!.endsWith(` tollgate/${i.runId}`) && new Date(r[5]!) < i.anchor));
  assert.ok(scans.some((r) => r[2] === 'unknown') && scans.some((r) => r[2] === 'revoked') && scans.some((r) => r[2] === 'genuine'));
});

test('volume rows add up to exactly the scale', () => {
  for (const scale of [100, 12_345, 1_000_000]) {
    const p = makePlan('volume', scale, 3);
    assert.equal(p.users.admin + p.users.operator + p.users.viewer + p.assets + p.tags + p.links + p.verifications, scale);
  }
});

test('the regression profile puts the hostile text in one asset, linked to an unsampled active tag, and one revoked reason', () => {
  const i = input(1234);
  const shape = new Shape(i);
  const place = shape.hostile!;
  assert.equal(place.asset, i.plan.assets - 1);
  assert.equal(shape.status(place.linkedTag), 'active');
  assert.equal(shape.status(place.revokedTag), 'revoked');
  const active = Array.from({ length: i.plan.tags }, (_, t) => t).filter((t) => shape.status(t) === 'active');
  assert.equal(active.indexOf(place.linkedTag), SAMPLE, 'past the manifest samples');
  assert.equal(shape.assetOf(place.linkedTag), place.asset);

  const assetRows = text(i, 'assets').trimEnd().split('\n');
  const hostileRows = assetRows.filter((r) => r.includes(INJECTED_MARKER));
  assert.deepEqual(
    hostileRows.map((r) => r.split('\t')[0]),
    [String(i.ids.assets[place.asset])],
  );
  const [, name, , lot, manufacturer, location] = hostileRows[0]!.split('\t');
  assert.ok(name!.startsWith(HOSTILE.name) && manufacturer!.startsWith(HOSTILE.manufacturer) && location!.startsWith(HOSTILE.location));
  assert.equal(lot, HOSTILE.lot);
  const reasons = text(i, 'tags')
    .split('\n')
    .filter((r) => r.includes(HOSTILE.reason));
  assert.deepEqual(
    reasons.map((r) => r.split('\t')[1]),
    [shape.code(place.revokedTag)],
  );
  assert.ok(!/[\t\n\\]/.test(Object.values(HOSTILE).join('')), 'nothing COPY would need escaped');

  for (const profile of ['smoke', 'demo', 'volume']) {
    const other = input(1234, profile);
    assert.equal(new Shape(other).hostile, undefined, profile);
    assert.ok(!text(other, 'assets').includes(INJECTED_MARKER), profile);
  }
});
