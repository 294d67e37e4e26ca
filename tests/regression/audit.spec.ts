/**
 * Every mutation writes exactly one audit entry, naming the actor, the action and the entity;
 * a refused mutation writes none. Read back as an admin, filtered by entity_type/entity_id.
 */
import type { ApiClient } from '../../fixtures/api-client.ts';
import { expect, test } from '../../fixtures/index.ts';
import { linkedPair, newAsset, newTag, userBody } from './support/data.ts';

interface AuditEntry {
  action: string;
  actor_email: string | null;
  entity_type: string;
  entity_id: number;
  details: Record<string, any>;
  created_at: string;
}

async function auditOf(admin: ApiClient, entityType: string, entityId: number): Promise<AuditEntry[]> {
  const res = await admin.send('GET', `/audit?entity_type=${entityType}&entity_id=${entityId}&per_page=100`);
  expect(res.status, `GET /audit for ${entityType} ${entityId}: ${JSON.stringify(res.data)}`).toBe(200);
  const items = res.data.items as AuditEntry[];
  for (const e of items) expect([e.entity_type, e.entity_id], 'the filter returns only that entity').toEqual([entityType, entityId]);
  return items;
}

/** The actions recorded for an entity, newest first, as the audit log reports them. */
const actions = (entries: AuditEntry[]) => entries.map((e) => e.action);

test.describe('audit log: one entry per mutation', { tag: ['@regression', '@seeded', '@writes'] }, () => {
  test('tag.create', async ({ apiAs, seeded }) => {
    const tag = await newTag(await apiAs('operator'));
    const entries = await auditOf(await apiAs('admin'), 'tag', tag.id);
    expect(actions(entries), `audit entries for new tag ${tag.code} (id ${tag.id}): tag.create was not written`).toEqual(['tag.create']);
    expect(entries[0]!.actor_email, 'the actor is the operator who did it').toBe(seeded.users.operator[0]!.email);
    expect(entries[0]!.details).toMatchObject({ code: tag.code, fingerprint: tag.fingerprint });
  });

  test('tag.revoke, and none for a refused second revoke', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const tag = await newTag(operator);
    await operator.revokeTag(tag.code, 'Regression: audit check');
    expect((await operator.send('POST', `/tags/${tag.code}/revoke`, { reason: 'again' })).status, 'second revoke').toBe(409);
    const entries = await auditOf(await apiAs('admin'), 'tag', tag.id);
    expect(actions(entries), `audit entries for revoked tag ${tag.code}: tag.revoke was not written (or the refused one was)`).toEqual([
      'tag.revoke',
      'tag.create',
    ]);
    expect(entries[0]!.details).toMatchObject({ reason: 'Regression: audit check', previous_status: 'unassigned' });
  });

  test('asset.create', async ({ apiAs, seeded }) => {
    const asset = await newAsset(await apiAs('operator'), { lot: 'LOT-A1' });
    const entries = await auditOf(await apiAs('admin'), 'asset', asset.id);
    expect(actions(entries), `audit entries for new asset ${asset.id}: asset.create was not written`).toEqual(['asset.create']);
    expect(entries[0]!.actor_email).toBe(seeded.users.operator[0]!.email);
    expect(entries[0]!.details).toMatchObject({ name: asset.name, sku: asset.sku, lot: 'LOT-A1' });
  });

  test('asset.update records the changes; an empty PATCH records nothing', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const asset = await newAsset(operator);
    await operator.send('PATCH', `/assets/${asset.id}`, { location: 'Dock 4' });
    await operator.send('PATCH', `/assets/${asset.id}`, { unknown_field: 'ignored' });
    const entries = await auditOf(await apiAs('admin'), 'asset', asset.id);
    expect(actions(entries), `audit entries for updated asset ${asset.id}: asset.update was not written`).toEqual([
      'asset.update',
      'asset.create',
    ]);
    expect(entries[0]!.details).toEqual({ changes: { location: 'Dock 4' } });
  });

  test('asset.delete, by the admin who deleted it', async ({ apiAs, seeded }) => {
    const asset = await newAsset(await apiAs('operator'));
    const admin = await apiAs('admin');
    expect((await admin.send('DELETE', `/assets/${asset.id}`)).status).toBe(204);
    const entries = await auditOf(admin, 'asset', asset.id);
    expect(actions(entries), `audit entries for deleted asset ${asset.id}: asset.delete was not written`).toEqual([
      'asset.delete',
      'asset.create',
    ]);
    expect(entries[0]!.actor_email).toBe(seeded.users.admin[0]!.email);
    expect(entries[0]!.details).toMatchObject({ name: asset.name, sku: asset.sku });
  });

  test('link.create', async ({ apiAs }) => {
    const { asset, tag, linkId } = await linkedPair(await apiAs('operator'));
    const entries = await auditOf(await apiAs('admin'), 'link', linkId);
    expect(actions(entries), `audit entries for link ${linkId} (${tag.code} → asset ${asset.id}): link.create was not written`).toEqual([
      'link.create',
    ]);
    expect(entries[0]!.details).toMatchObject({ tag_code: tag.code, asset_id: asset.id, tag_id: tag.id });
  });

  test('link.delete, and none for a refused double link', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const { asset, tag, linkId } = await linkedPair(operator);
    const refused = await operator.send('POST', `/assets/${asset.id}/links`, { tag_code: tag.code });
    expect(refused.status, 'a double link is refused (so it writes no audit entry)').toBe(409);
    await operator.unlinkTag(asset.id, tag.code);
    const entries = await auditOf(await apiAs('admin'), 'link', linkId);
    expect(actions(entries), `audit entries for unlinked link ${linkId}: link.delete was not written`).toEqual([
      'link.delete',
      'link.create',
    ]);
    expect(entries[0]!.details).toMatchObject({ tag_code: tag.code, asset_id: asset.id });
  });

  test('user.create', async ({ apiAs, runId, seeded }) => {
    const admin = await apiAs('admin');
    const body = userBody(runId, 'operator');
    const res = await admin.send('POST', '/users', body);
    expect(res.status, JSON.stringify(res.data)).toBe(201);
    const entries = await auditOf(admin, 'user', res.data.id);
    expect(actions(entries), `audit entries for new user ${body.email}: user.create was not written`).toEqual(['user.create']);
    expect(entries[0]!.actor_email).toBe(seeded.users.admin[0]!.email);
    expect(entries[0]!.details).toEqual({ email: body.email, role: 'operator' });
    expect(JSON.stringify(entries[0]), 'the password never reaches the audit log').not.toContain(body.password);
  });
});
