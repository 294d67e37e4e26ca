/**
 * Input validation: bad input is a 400 `validation_error` naming each bad field; good but
 * unusual input (Unicode, SQL-looking text, limits exactly at the maximum) is stored as sent.
 */
import { expect, test } from '../../fixtures/index.ts';
import { assetBody, fingerprint, isoDay, marked, newAsset, newTag, token, unusedCode, userBody, withBadCheck } from './support/data.ts';

interface BadInput {
  what: string;
  path: string;
  body: (runId: string) => unknown;
  fields: Record<string, RegExp>;
}

const A201 = 'A'.repeat(201);
const S65 = 'S'.repeat(65);

const BAD: BadInput[] = [
  {
    what: 'an asset without its required fields',
    path: '/assets',
    body: () => ({}),
    fields: { name: /required/, sku: /required/, manufacturer: /required/ },
  },
  {
    what: 'an asset with only blanks',
    path: '/assets',
    body: (r) => assetBody(r, { name: '   ', sku: '\t ' }),
    fields: { name: /required/, sku: /required/ },
  },
  { what: 'a 201-character asset name', path: '/assets', body: (r) => assetBody(r, { name: A201 }), fields: { name: /200/ } },
  { what: 'a 65-character SKU', path: '/assets', body: (r) => assetBody(r, { sku: S65 }), fields: { sku: /64/ } },
  { what: 'a 65-character lot', path: '/assets', body: (r) => assetBody(r, { lot: 'L'.repeat(65) }), fields: { lot: /64/ } },
  {
    what: 'control characters in a name',
    path: '/assets',
    body: (r) => assetBody(r, { name: 'Bell\u0007 crate' }),
    fields: { name: /control/ },
  },
  {
    what: 'a newline inside a manufacturer',
    path: '/assets',
    body: (r) => assetBody(r, { manufacturer: 'Acme\nInc' }),
    fields: { manufacturer: /control/ },
  },
  {
    what: 'a manufacturing date in the future',
    path: '/assets',
    body: (r) => assetBody(r, { manufactured_on: isoDay(2) }),
    fields: { manufactured_on: /future/ },
  },
  {
    what: 'a manufacturing date that is not a date',
    path: '/assets',
    body: (r) => assetBody(r, { manufactured_on: '2024-02-30' }),
    fields: { manufactured_on: /YYYY-MM-DD/ },
  },
  {
    what: 'metadata that is a list',
    path: '/assets',
    body: (r) => ({ ...assetBody(r), metadata: ['not', 'an', 'object'] }),
    fields: { metadata: /object/ },
  },
  {
    what: 'metadata that is a string',
    path: '/tags',
    body: () => ({ fingerprint: fingerprint(), metadata: 'tollgate' }),
    fields: { metadata: /object/ },
  },
  {
    what: 'metadata over 8 KB',
    path: '/assets',
    body: (r) => assetBody(r, { metadata: { blob: 'x'.repeat(9000) } }),
    fields: { metadata: /8 KB/ },
  },
  { what: 'a name that is a number', path: '/assets', body: (r) => ({ ...assetBody(r), name: 42 }), fields: { name: /string/ } },
  {
    what: 'a tag code of the wrong shape',
    path: '/tags',
    body: (r) => ({ code: 'TT-12345-678-9', fingerprint: fingerprint(), metadata: marked(r) }),
    fields: { code: /TT-XXXX-XXXX-C/ },
  },
  {
    what: 'a tag code with a forbidden letter',
    path: '/tags',
    body: (r) => ({ code: 'TT-IOLU-0000-0', fingerprint: fingerprint(), metadata: marked(r) }),
    fields: { code: /TT-XXXX-XXXX-C/ },
  },
  {
    what: 'a tag code with a wrong check character',
    path: '/tags',
    body: (r) => ({ code: withBadCheck(unusedCode()), fingerprint: fingerprint(), metadata: marked(r) }),
    fields: { code: /check/ },
  },
  { what: 'a tag without a fingerprint', path: '/tags', body: (r) => ({ metadata: marked(r) }), fields: { fingerprint: /required/ } },
  {
    what: 'a fingerprint that is not hex',
    path: '/tags',
    body: (r) => ({ fingerprint: 'z'.repeat(64), metadata: marked(r) }),
    fields: { fingerprint: /64 hexadecimal/ },
  },
  {
    what: 'a fingerprint one character short',
    path: '/tags',
    body: (r) => ({ fingerprint: fingerprint().slice(1), metadata: marked(r) }),
    fields: { fingerprint: /64 hexadecimal/ },
  },
  {
    what: 'a user with a bad e-mail and a short password',
    path: '/users',
    body: () => ({ email: 'not-an-email', name: 'X', role: 'viewer', password: 'short' }),
    fields: { email: /valid email/, password: /12/ },
  },
  { what: 'a user with an unknown role', path: '/users', body: (r) => ({ ...userBody(r), role: 'superuser' }), fields: { role: /one of/ } },
];

test.describe('input validation', { tag: ['@regression', '@seeded', '@writes'] }, () => {
  for (const bad of BAD) {
    test(`POST /api${bad.path} refuses ${bad.what}`, async ({ apiAs, runId }) => {
      const client = await apiAs(bad.path === '/users' ? 'admin' : 'operator');
      const res = await client.send('POST', bad.path, bad.body(runId));
      expect(res.status, `${bad.what}: ${JSON.stringify(res.data).slice(0, 300)}`).toBe(400);
      expect(res.data.error).toBe('validation_error');
      for (const [field, message] of Object.entries(bad.fields)) {
        expect(res.data.fields?.[field], `fields.${field} in ${JSON.stringify(res.data.fields)}`).toMatch(message);
      }
    });
  }

  test('the body must be a JSON object', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    for (const body of ['[1, 2]', '"text"', '{"name": ']) {
      const res = await operator.send('POST', '/assets', body, { 'Content-Type': 'application/json' });
      expect(res.status, `body ${body}`).toBe(400);
      expect(res.data.fields?.body, `body ${body}`).toMatch(/JSON object/);
    }
  });

  test('PATCH validates only what it is sent, with the create rules', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const asset = await newAsset(operator);
    const res = await operator.send('PATCH', `/assets/${asset.id}`, { sku: S65, location: 'Dock\u0000 1' });
    expect(res.status, JSON.stringify(res.data)).toBe(400);
    expect(res.data.fields).toEqual({ sku: expect.stringMatching(/64/), location: expect.stringMatching(/control/) });
    expect((await operator.getAsset(asset.id)).sku, 'a refused PATCH changes nothing').toBe(asset.sku);
  });

  test('revoking needs a reason of at most 500 characters', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const tag = await newTag(operator);
    for (const [body, message] of [
      [{}, /required/],
      [{ reason: 'r'.repeat(501) }, /500/],
    ] as const) {
      const res = await operator.send('POST', `/tags/${tag.code}/revoke`, body);
      expect(res.status, JSON.stringify(res.data)).toBe(400);
      expect(res.data.fields?.reason).toMatch(message);
    }
    expect((await operator.getTag(tag.code)).status, 'still not revoked').toBe('unassigned');
  });

  test('limits are inclusive: a 200-character name and a 64-character SKU are accepted', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const name = 'N'.repeat(200);
    const sku = `${token()}`.padEnd(64, 'K');
    const asset = await newAsset(operator, { name, sku, manufactured_on: isoDay(0) });
    expect(await operator.getAsset(asset.id)).toMatchObject({ name, sku, manufactured_on: isoDay(0) });
  });

  test('strings are trimmed and codes are case-insensitive', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const code = unusedCode();
    const tag = await operator.createTag({ code: `  ${code.toLowerCase()} `, fingerprint: fingerprint().toUpperCase() });
    expect(tag.code, 'the code is normalised to upper case').toBe(code);
    expect(tag.fingerprint, 'the fingerprint is stored lower-case').toMatch(/^[0-9a-f]{64}$/);
    const asset = await newAsset(operator, { name: '  Padded crate  ' });
    expect(asset.name).toBe('Padded crate');
  });

  test('Unicode names are accepted and round-trip exactly', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const name = `Ürünler – 製品 🚚 ${token()}`;
    const manufacturer = 'Société Générale d’Étiquettes';
    const metadata = { note: 'Ωmega ✓', emoji: '🏷️' };
    const asset = await newAsset(operator, { name, manufacturer, location: 'Zürich – Lager 3', metadata });
    const read = await operator.getAsset(asset.id);
    expect(read).toMatchObject({ name, manufacturer, location: 'Zürich – Lager 3' });
    expect(read.metadata).toMatchObject(metadata);
    const found = await operator.listAssets({ q: '製品 🚚' });
    expect(
      found.items.map((a) => a.id),
      'and can be searched for',
    ).toContain(asset.id);
  });

  test('SQL-looking input is stored as data, and the lists still work', async ({ apiAs }) => {
    const operator = await apiAs('operator');
    const tok = token();
    const name = `Robert'); DROP TABLE assets;-- ${tok}`;
    const sku = `' OR '1'='1 ${tok}`.slice(0, 64);
    const lot = '%_\\';
    const asset = await newAsset(operator, { name, sku, lot });
    expect(await operator.getAsset(asset.id)).toMatchObject({ name, sku, lot });
    const byName = await operator.listAssets({ q: `'); DROP TABLE assets;-- ${tok}` });
    expect(
      byName.items.map((a) => a.id),
      'the injection text is searched for literally',
    ).toEqual([asset.id]);
    const wildcard = await operator.listAssets({ q: `%_\\`, per_page: 100 });
    expect(
      wildcard.items.every((a) => (a.lot ?? '').includes('%_\\') || [a.name, a.sku, a.manufacturer].some((v) => v.includes('%_\\'))),
      'LIKE wildcards are escaped',
    ).toBe(true);
    const tags = await operator.send('GET', `/tags?q=${encodeURIComponent("' OR 1=1 --")}`);
    expect(tags.status).toBe(200);
    expect(tags.data.total, 'a tautology in q matches nothing').toBe(0);
    expect((await operator.listAssets({ per_page: 1 })).total, 'the assets table is still there').toBeGreaterThan(0);
  });
});
