/** State conflicts answer 409 with the contract's error code, and leave the data as it was. */
import { expect, test } from '../../fixtures/index.ts';
import { internalsIn } from '../../fixtures/error-bodies.ts';
import { fingerprint, linkedPair, marked, newAsset, newTag, userBody } from './support/data.ts';

test.describe('conflicts', { tag: ['@regression', '@seeded', '@writes'] }, () => {
  test('linking a tag that is already linked is refused with 409 already_linked', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const { asset, tag } = await linkedPair(operator);
    const other = await newAsset(operator);

    const again = await operator.send('POST', `/assets/${asset.id}/links`, { tag_code: tag.code });
    expect(again.status, `linking ${tag.code} to the same asset twice answered ${again.status} ${JSON.stringify(again.data)}`).toBe(409);
    expect(again.data.error).toBe('already_linked');
    const moved = await operator.send('POST', `/assets/${other.id}/links`, { tag_code: tag.code });
    expect(moved.status, `linking already-linked ${tag.code} to another asset answered ${moved.status}: a double link was allowed`).toBe(
      409,
    );
    expect(moved.data.error).toBe('already_linked');

    const now = await operator.getTag(tag.code);
    expect(now.asset?.id, 'the tag stays on its first asset').toBe(asset.id);
    expect((await operator.getAsset(other.id)).tags, 'the other asset got nothing').toEqual([]);
  });

  test('linking a revoked tag is refused with 409 tag_revoked', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const [asset, tag] = await Promise.all([newAsset(operator), newTag(operator)]);
    await operator.revokeTag(tag.code, 'Regression: revoked before linking');
    const res = await operator.send('POST', `/assets/${asset.id}/links`, { tag_code: tag.code });
    expect(res.status, JSON.stringify(res.data)).toBe(409);
    expect(res.data.error).toBe('tag_revoked');
    expect((await operator.getAsset(asset.id)).tags).toEqual([]);
    expect((await operator.getTag(tag.code)).status).toBe('revoked');
  });

  test('revoking a tag twice is refused with 409 already_revoked, keeping the first reason', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const tag = await newTag(operator);
    const first = await operator.revokeTag(tag.code, 'Regression: first reason');
    expect(first.status).toBe('revoked');
    const again = await operator.send('POST', `/tags/${tag.code}/revoke`, { reason: 'Regression: second reason' });
    expect(again.status, JSON.stringify(again.data)).toBe(409);
    expect(again.data.error).toBe('already_revoked');
    const now = await operator.getTag(tag.code);
    expect(now.revoked_reason).toBe('Regression: first reason');
    expect(now.revoked_at).toBe(first.revoked_at);
  });

  test('an asset with a linked tag cannot be deleted until the tag is unlinked', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const admin = await apiAs('admin');
    const { asset, tag } = await linkedPair(operator);
    const refused = await admin.send('DELETE', `/assets/${asset.id}`);
    expect(refused.status, JSON.stringify(refused.data)).toBe(409);
    expect(refused.data.error).toBe('asset_has_links');
    expect(
      (await admin.getAsset(asset.id)).tags.map((t) => t.code),
      'asset and link survive',
    ).toEqual([tag.code]);

    await operator.unlinkTag(asset.id, tag.code);
    expect((await admin.send('DELETE', `/assets/${asset.id}`)).status, 'once unlinked, the delete succeeds').toBe(204);
    expect((await admin.send('GET', `/assets/${asset.id}`)).status, 'and the asset is gone').toBe(404);
    expect((await admin.getTag(tag.code)).status, 'its former tag is back in the pool').toBe('unassigned');
  });

  test('unlinking a tag that is not linked to that asset is 404, and re-linking after an unlink works', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const { asset, tag } = await linkedPair(operator);
    const other = await newAsset(operator);
    expect((await operator.send('DELETE', `/assets/${other.id}/links/${tag.code}`)).status, 'wrong asset').toBe(404);
    await operator.unlinkTag(asset.id, tag.code);
    expect((await operator.send('DELETE', `/assets/${asset.id}/links/${tag.code}`)).status, 'unlinking twice').toBe(404);
    const relinked = await operator.send('POST', `/assets/${other.id}/links`, { tag_code: tag.code });
    expect(relinked.status, JSON.stringify(relinked.data)).toBe(201);
    const history = (await operator.send('GET', `/tags/${tag.code}`)).data.links as { asset_id: number; unlinked_at: string | null }[];
    expect(
      history.map((l) => [l.asset_id, l.unlinked_at === null]),
      'history, newest first',
    ).toEqual([
      [other.id, true],
      [asset.id, false],
    ]);
  });

  test('a duplicate tag code or fingerprint is refused with 409 conflict', async ({ apiAs, runId }) => {
    const operator = await apiAs('operator');
    const tag = await newTag(operator);
    // Marked anyway: if the API wrongly accepted them, the run's cleanup still removes them.
    const sameCode = await operator.send('POST', '/tags', { code: tag.code, fingerprint: fingerprint(), metadata: marked(runId) });
    expect(sameCode.status, JSON.stringify(sameCode.data)).toBe(409);
    expect(sameCode.data.error).toBe('conflict');
    const sameFingerprint = await operator.send('POST', '/tags', { fingerprint: tag.fingerprint, metadata: marked(runId) });
    expect(sameFingerprint.status, JSON.stringify(sameFingerprint.data)).toBe(409);
    expect(sameFingerprint.data.error).toBe('conflict');
    for (const res of [sameCode, sameFingerprint])
      expect(internalsIn(res.data), `the 409 says why in its own words: ${JSON.stringify(res.data)}`).toBeUndefined();
  });

  test('a duplicate user e-mail is refused with 409, whatever its case', async ({ apiAs, runId }) => {
    const admin = await apiAs('admin');
    const user = userBody(runId);
    expect((await admin.send('POST', '/users', user)).status).toBe(201);
    const again = await admin.send('POST', '/users', { ...user, email: user.email.toUpperCase() });
    expect(again.status, JSON.stringify(again.data)).toBe(409);
    expect(again.data.error).toBe('conflict');
    expect(internalsIn(again.data), `the 409 says why in its own words: ${JSON.stringify(again.data)}`).toBeUndefined();
  });
});
