/** The critical API journeys, through the typed client, on this run's seeded data. */
import { randomBytes } from 'node:crypto';
import { expect, test } from '../../../fixtures/index.ts';
import { RECORDS } from '../../../fixtures/run.ts';
import { ROLES } from '../../../config/ids.ts';

test.describe('API journeys', { tag: '@smoke' }, () => {
  for (const role of ROLES) {
    test(`a seeded ${role} signs in and the API knows their role`, { tag: '@seeded' }, async ({ api, seeded }) => {
      const user = seeded.users[role][0]!;
      const res = await api.send('POST', '/auth/login', { email: user.email, password: user.password });
      expect(res.status, `login of ${user.email}: ${JSON.stringify(res.data)}`).toBe(200);
      expect(res.data.user.role).toBe(role);
      expect(typeof res.data.token).toBe('string');
    });
  }

  test('searching tags by part of a code finds the seeded tag', { tag: '@seeded' }, async ({ apiAs, seeded }) => {
    const code = seeded.tags.genuine[RECORDS.genuine.apiRead]!.code;
    const page = await (await apiAs('viewer')).listTags({ q: code.slice(3, 12).toLowerCase() });
    expect(page.items.map((t) => t.code)).toContain(code);
  });

  test('verify tells a genuine, a revoked and an unknown tag apart', async ({ api, codes }) => {
    const genuine = await api.verify(codes.genuine);
    expect(genuine.result, `verify of genuine tag ${codes.genuine}`).toBe('genuine');
    expect(genuine.asset, 'a genuine, linked tag names its asset').toMatchObject({
      id: expect.any(Number),
      name: expect.stringMatching(/\S/),
    });
    const revoked = await api.verify(codes.revoked);
    expect(revoked.result, `verify of revoked tag ${codes.revoked}`).toBe('revoked');
    const revokedAt = Date.parse(revoked.revoked_at ?? '');
    expect(revokedAt, `a revoked tag says when (revoked_at ${revoked.revoked_at}), and it is not in the future`).toBeLessThanOrEqual(
      Date.now() + 60_000,
    );
    expect((await api.verify(codes.unknown)).result, `verify of unregistered code ${codes.unknown}`).toBe('unknown');
  });

  test('an operator registers an asset', { tag: ['@seeded', '@writes'] }, async ({ apiAs, runId }) => {
    const operator = await apiAs('operator');
    const asset = await operator.createAsset({
      name: `Smoke pallet ${runId}`,
      sku: 'SMK-001',
      manufacturer: 'Tollgate Smoke Co.',
      lot: 'L-1',
    });
    expect(asset.id).toBeGreaterThan(0);
    expect((await operator.getAsset(asset.id)).name).toBe(`Smoke pallet ${runId}`);
  });

  test('an operator links a tag to an asset and unlinks it', { tag: ['@seeded', '@writes'] }, async ({ apiAs, seeded }) => {
    const operator = await apiAs('operator');
    const asset = seeded.assets[RECORDS.asset.apiLink]!;
    const code = seeded.tags.unassigned[RECORDS.unassigned.apiLink]!;
    await operator.linkTag(asset.id, code);
    expect((await operator.getAsset(asset.id)).tags.map((t) => t.code)).toContain(code);
    expect((await operator.verify(code)).asset?.id, 'verify names the new asset').toBe(asset.id);
    await operator.unlinkTag(asset.id, code);
    expect((await operator.getAsset(asset.id)).tags.map((t) => t.code)).not.toContain(code);
    expect((await operator.getTag(code)).status).toBe('unassigned');
  });

  test('an operator revokes a tag, and verify then calls it revoked', { tag: ['@seeded', '@writes'] }, async ({ apiAs, seeded }) => {
    const code = seeded.tags.genuine[RECORDS.genuine.apiRevoke]!.code;
    const operator = await apiAs('operator');
    const tag = await operator.revokeTag(code, 'Smoke test: label reported damaged');
    expect(tag.status).toBe('revoked');
    expect((await operator.verify(code)).result).toBe('revoked');
  });

  test('an operator registers a new tag with a generated, valid code', { tag: ['@seeded', '@writes'] }, async ({ apiAs }) => {
    const tag = await (await apiAs('operator')).createTag({ fingerprint: randomBytes(32).toString('hex') });
    expect(tag.code).toMatch(/^TT-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]$/);
    expect(tag.status).toBe('unassigned');
  });
});
