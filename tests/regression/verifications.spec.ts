/** Every public verification is answered and recorded in the history (GET /api/verifications). */
import type { ApiClient, Verification } from '../../fixtures/api-client.ts';
import { expect, test } from '../../fixtures/index.ts';
import { linkedPair, newTag, scanHeaders, unusedCode } from './support/data.ts';

interface Scan {
  code: string;
  tag_id: number | null;
  result: string;
  location: string | null;
  user_agent: string | null;
  verified_at: string;
}

async function scan(api: ApiClient, runId: string, code: string, location?: string): Promise<Verification> {
  const res = await api.send<Verification>(
    'GET',
    `/verify/${encodeURIComponent(code)}${location ? `?location=${encodeURIComponent(location)}` : ''}`,
    undefined,
    scanHeaders(runId),
  );
  expect(res.status, `GET /verify/${code}`).toBe(200);
  return res.data;
}

async function history(viewer: ApiClient, code: string, result?: string): Promise<Scan[]> {
  const res = await viewer.send('GET', `/verifications?code=${encodeURIComponent(code)}${result ? `&result=${result}` : ''}`);
  expect(res.status, JSON.stringify(res.data)).toBe(200);
  return res.data.items as Scan[];
}

test.describe('verification history', { tag: ['@regression', '@seeded', '@writes'] }, () => {
  test('verifying a genuine tag records one "genuine" row with its location', async ({ api, apiAs, runId }) => {
    const { tag, asset } = await linkedPair(await apiAs('operator'));
    const answer = await scan(api, runId, tag.code, 'Warehouse 7, gate B');
    expect(answer.result).toBe('genuine');
    expect(answer.asset?.id, 'the answer names the linked asset').toBe(asset.id);
    const rows = await history(await apiAs('viewer'), tag.code);
    expect(
      rows.map((r) => r.result),
      `history of ${tag.code} after one scan: the verification was not recorded`,
    ).toEqual(['genuine']);
    expect(rows[0]).toMatchObject({
      code: tag.code,
      tag_id: tag.id,
      location: 'Warehouse 7, gate B',
      user_agent: scanHeaders(runId)['User-Agent'],
    });
  });

  test('a revoked tag is recorded as "revoked", newest first, and the result filter narrows', async ({ api, apiAs, runId }) => {
    const operator = await apiAs('operator');
    const tag = await newTag(operator);
    await scan(api, runId, tag.code);
    await operator.revokeTag(tag.code, 'Regression: verification history');
    expect((await scan(api, runId, tag.code)).result).toBe('revoked');
    const viewer = await apiAs('viewer');
    expect(
      (await history(viewer, tag.code)).map((r) => r.result),
      `verifications of ${tag.code}, newest first: a genuine then a revoked scan should be recorded`,
    ).toEqual(['revoked', 'genuine']);
    expect(
      (await history(viewer, tag.code, 'revoked')).map((r) => r.result),
      'result=revoked',
    ).toEqual(['revoked']);
  });

  test('an unregistered code is recorded as "unknown", normalised, with no tag', async ({ api, apiAs, runId }) => {
    const code = unusedCode();
    expect((await scan(api, runId, `  ${code.toLowerCase()}`)).result).toBe('unknown');
    const rows = await history(await apiAs('viewer'), code.toLowerCase());
    expect(
      rows.map((r) => [r.code, r.result, r.tag_id]),
      `history of unknown ${code}: the verification was not recorded`,
    ).toEqual([[code, 'unknown', null]]);
  });

  test('each scan is a row: three scans, three rows', async ({ api, apiAs, runId }) => {
    const tag = await newTag(await apiAs('operator'));
    for (let i = 0; i < 3; i++) await scan(api, runId, tag.code, `Scan ${i}`);
    const rows = await history(await apiAs('viewer'), tag.code);
    expect(
      rows.map((r) => r.location),
      `verifications of ${tag.code}, newest first: each of 3 scans should be recorded`,
    ).toEqual(['Scan 2', 'Scan 1', 'Scan 0']);
  });
});
