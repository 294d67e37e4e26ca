/**
 * Pagination, sorting and filters of the tag and asset lists, through the API. Exact counts
 * come from sets nobody else touches: this run's tag batch (TT-<batch>-), and assets each test
 * creates with its own token.
 */
import type { ApiClient, Asset, Page, Tag } from '../../fixtures/api-client.ts';
import { expect, test } from '../../fixtures/index.ts';
import { newAsset, token } from './support/data.ts';
import { byInstant, byText, describeOrder } from './support/ordering.ts';
import { expectedPages, runTags } from './support/run-tags.ts';

async function list<T>(client: ApiClient, resource: 'tags' | 'assets', query: Record<string, string | number>): Promise<Page<T>> {
  const res = await client.send<Page<T>>('GET', `/${resource}?${new URLSearchParams(query as Record<string, string>)}`);
  expect(res.status, `GET /${resource} ${JSON.stringify(query)}: ${JSON.stringify(res.data).slice(0, 300)}`).toBe(200);
  return res.data;
}

/** Seven assets whose names and SKUs sort predictably under any collation. */
async function assetSet(client: ApiClient): Promise<{ tok: string; assets: Asset[] }> {
  const tok = token();
  const assets: Asset[] = [];
  // One after another, so creation order is created_at order.
  for (const letter of ['D', 'A', 'G', 'C', 'F', 'B', 'E']) {
    assets.push(
      await newAsset(client, { name: `Crate ${letter} ${tok}`, sku: `${tok}-${letter}`, manufacturer: 'Tollgate Regression Ltd.' }),
    );
  }
  return { tok, assets };
}

test.describe('list pagination, sorting and filters (API)', { tag: '@regression' }, () => {
  test.describe('tags', { tag: '@seeded' }, () => {
    test("the first page is full and the envelope counts this run's tags exactly", async ({ apiAs, seeded }) => {
      const { q, total } = runTags(seeded);
      const page = await list<Tag>(await apiAs('viewer'), 'tags', { q, per_page: 7 });
      const { pages } = expectedPages(total, 7);
      expect(page.pages, `${total} tags at 7 per page need ${pages} pages; the API says ${page.pages} (last page dropped?)`).toBe(pages);
      expect(page, 'the envelope of page 1 at 7 per page').toMatchObject({ page: 1, per_page: 7, total });
      expect(page.items).toHaveLength(7);
      for (const t of page.items) expect(t.code, `q=${q} returned a tag outside the batch`).toMatch(new RegExp(`^${q}`));
    });

    test('the last page holds the remainder, and the page past it is empty', async ({ apiAs, seeded }) => {
      const { q, total } = runTags(seeded);
      const viewer = await apiAs('viewer');
      const perPage = 7;
      const { pages, lastPageSize } = expectedPages(total, perPage);
      expect(lastPageSize, 'pick a per_page that leaves a remainder').toBeLessThan(perPage);
      const first = await list<Tag>(viewer, 'tags', { q, per_page: perPage });
      expect(
        first.pages,
        `${total} tags at ${perPage} per page need ${pages} pages; the API says ${first.pages} (last page dropped?)`,
      ).toBe(pages);
      const last = await list<Tag>(viewer, 'tags', { q, per_page: perPage, page: pages });
      expect(last.items.length, `the last page (${pages}) must hold the remaining ${lastPageSize} tags`).toBe(lastPageSize);
      const past = await list<Tag>(viewer, 'tags', { q, per_page: perPage, page: pages + 1 });
      expect(past, 'the page past the end').toMatchObject({ items: [], page: pages + 1, total });
    });

    test('walking every page at per_page 100 returns each tag exactly once', async ({ apiAs, seeded }) => {
      test.setTimeout(120_000); // 30 list calls: a slow list should fail the latency test, not time this one out
      const { q, total } = runTags(seeded);
      const viewer = await apiAs('viewer');
      const seen: string[] = [];
      for (let p = 1; p <= expectedPages(total, 100).pages; p++) {
        const page = await list<Tag>(viewer, 'tags', { q, per_page: 100, page: p, sort: 'code' });
        expect(page.items.length, `page ${p} of ${page.pages}`).toBeLessThanOrEqual(100);
        seen.push(...page.items.map((t) => t.code));
      }
      expect(new Set(seen).size, 'no tag repeats across pages').toBe(seen.length);
      expect(seen.length, `all ${total} tags across the pages: ${total - seen.length} missing (last page dropped?)`).toBe(total);
    });

    test('per_page 1 makes one page per tag; per_page 100 is the maximum and is honoured', async ({ apiAs, seeded }) => {
      const { q, total } = runTags(seeded);
      const viewer = await apiAs('viewer');
      const one = await list<Tag>(viewer, 'tags', { q, per_page: 1 });
      expect(one.items).toHaveLength(1);
      expect(one.pages, `per_page 1: ${total} tags need ${total} pages; the API says ${one.pages} (last page dropped?)`).toBe(total);
      const lastOne = await list<Tag>(viewer, 'tags', { q, per_page: 1, page: total });
      expect(lastOne.items, `per_page 1: page ${total} is the last tag`).toHaveLength(1);
      const hundred = await list<Tag>(viewer, 'tags', { q, per_page: 100 });
      expect(hundred.items).toHaveLength(Math.min(100, total));
      expect(hundred.pages).toBe(expectedPages(total, 100).pages);
    });

    test('sort=code and sort=-code are really sorted and mirror each other', async ({ apiAs, seeded }) => {
      const { q, total } = runTags(seeded);
      const viewer = await apiAs('viewer');
      const asc = [
        ...(await list<Tag>(viewer, 'tags', { q, sort: 'code', per_page: 100 })).items,
        ...(await list<Tag>(viewer, 'tags', { q, sort: 'code', per_page: 100, page: 2 })).items,
      ].map((t) => t.code);
      expect(describeOrder(asc, byText), 'sort=code across pages 1-2').toBe('sorted');
      const desc = (await list<Tag>(viewer, 'tags', { q, sort: '-code', per_page: 100 })).items.map((t) => t.code);
      expect(describeOrder(desc, byText, true), 'sort=-code').toBe('sorted');
      const { pages } = expectedPages(total, 100);
      const descLast = (await list<Tag>(viewer, 'tags', { q, sort: '-code', per_page: 100, page: pages })).items.map((t) => t.code);
      expect(descLast.at(-1), `the last page (${pages}) of sort=-code ends with the smallest code; it has ${descLast.length} tags`).toBe(
        asc[0],
      );
      expect(desc[0], 'the largest code starts the descending list').not.toBe(asc[0]);
    });

    test('sort=created_at and the default (-created_at) are ordered by creation time', async ({ apiAs, seeded }) => {
      const { q } = runTags(seeded);
      const viewer = await apiAs('viewer');
      const asc = (await list<Tag>(viewer, 'tags', { q, sort: 'created_at', per_page: 100 })).items.map((t) => t.created_at);
      expect(describeOrder(asc, byInstant), 'sort=created_at').toBe('sorted');
      const byDefault = (await list<Tag>(viewer, 'tags', { q, per_page: 100 })).items;
      expect(
        describeOrder(
          byDefault.map((t) => t.created_at),
          byInstant,
          true,
        ),
        'default order is newest first',
      ).toBe('sorted');
      const explicit = (await list<Tag>(viewer, 'tags', { q, sort: '-created_at', per_page: 100 })).items;
      expect(
        byDefault.map((t) => t.id),
        'default sort equals sort=-created_at',
      ).toEqual(explicit.map((t) => t.id));
      expect(asc[0], 'ascending and descending lists start at opposite ends').not.toBe(byDefault[0]!.created_at);
    });

    test('status=revoked lists only revoked tags, and the statuses add up to the total', async ({ apiAs, seeded }) => {
      const { q, total } = runTags(seeded);
      const viewer = await apiAs('viewer');
      const counts: Record<string, number> = {};
      for (const status of ['unassigned', 'active', 'revoked']) {
        const page = await list<Tag>(viewer, 'tags', { q, status, per_page: 100 });
        const others = page.items.filter((t) => t.status !== status).map((t) => `${t.code}=${t.status}`);
        expect(others, `status=${status} returned tags with another status`).toEqual([]);
        counts[status] = page.total;
      }
      expect(counts.revoked, 'the seed has revoked tags').toBeGreaterThan(0);
      expect(counts.revoked, 'the filter narrows the list').toBeLessThan(total);
      expect(counts.unassigned! + counts.active! + counts.revoked!, `status totals ${JSON.stringify(counts)}`).toBe(total);
    });

    test('q matches codes case-insensitively', async ({ apiAs, seeded }) => {
      const { q, total } = runTags(seeded);
      const viewer = await apiAs('viewer');
      expect((await list<Tag>(viewer, 'tags', { q: q.toLowerCase(), per_page: 1 })).total, `q=${q.toLowerCase()}`).toBe(total);
      const code = seeded.tags.genuine[0]!.code;
      const one = await list<Tag>(viewer, 'tags', { q: code.toLowerCase() });
      expect(one.total, `q=${code.toLowerCase()} counts the tag`).toBe(1);
      expect(
        one.items.map((t) => t.code),
        `q=${code.toLowerCase()} finds 1 tag but lists ${one.items.length} on ${one.pages} page(s)`,
      ).toEqual([code]);
    });
  });

  test.describe('assets', { tag: ['@seeded', '@writes'] }, () => {
    test('pages of a known set: first, last with the remainder, past the end, per_page 1 and 100', async ({ apiAs }) => {
      const operator = await apiAs('operator');
      const { tok } = await assetSet(operator);
      const first = await list<Asset>(operator, 'assets', { q: tok, per_page: 3 });
      expect(first, '7 assets at 3 per page').toMatchObject({ page: 1, per_page: 3, total: 7, pages: 3 });
      expect(first.items).toHaveLength(3);
      expect(
        (await list<Asset>(operator, 'assets', { q: tok, per_page: 3, page: 3 })).items,
        'the last page holds the remainder',
      ).toHaveLength(1);
      expect((await list<Asset>(operator, 'assets', { q: tok, per_page: 3, page: 4 })).items, 'past the end').toEqual([]);
      expect(await list<Asset>(operator, 'assets', { q: tok, per_page: 1 }), 'per_page 1').toMatchObject({ pages: 7, total: 7 });
      expect((await list<Asset>(operator, 'assets', { q: tok, per_page: 100 })).items, 'per_page 100').toHaveLength(7);
    });

    test('sort by sku, name and created_at, both directions', async ({ apiAs }) => {
      const operator = await apiAs('operator');
      const { tok, assets } = await assetSet(operator);
      const ids = async (sort?: string) =>
        (await list<Asset>(operator, 'assets', { q: tok, ...(sort ? { sort } : {}) })).items.map((a) => a.id);
      const bySku = [...assets].sort((a, b) => byText(a.sku, b.sku)).map((a) => a.id);
      expect(await ids('sku'), 'sort=sku').toEqual(bySku);
      expect(await ids('-sku'), 'sort=-sku').toEqual([...bySku].reverse());
      expect(await ids('name'), 'sort=name').toEqual(bySku); // names and SKUs share the letter order
      expect(await ids('-name'), 'sort=-name').toEqual([...bySku].reverse());
      const created = assets.map((a) => a.id);
      expect(await ids('created_at'), 'sort=created_at is creation order').toEqual(created);
      expect(await ids('-created_at'), 'sort=-created_at').toEqual([...created].reverse());
      expect(await ids(), 'the default is newest first').toEqual([...created].reverse());
    });

    test('q matches name, SKU, lot and manufacturer case-insensitively', async ({ apiAs }) => {
      const operator = await apiAs('operator');
      const tok = token();
      const made = await Promise.all([
        newAsset(operator, { name: `Drum ${tok}` }),
        newAsset(operator, { sku: `${tok}-S` }),
        newAsset(operator, { lot: `L-${tok}` }),
        newAsset(operator, { manufacturer: `Maker ${tok}` }),
      ]);
      const found = await list<Asset>(operator, 'assets', { q: tok.toLowerCase() });
      expect(found.items.map((a) => a.id).sort(), `q=${tok.toLowerCase()} finds the four assets`).toEqual(made.map((a) => a.id).sort());
    });
  });

  for (const resource of ['tags', 'assets'] as const) {
    for (const [param, value] of [
      ['per_page', '0'],
      ['per_page', '101'],
      ['per_page', '-1'],
      ['per_page', 'abc'],
      ['page', '0'],
      ['page', 'abc'],
      ['sort', 'bogus'],
    ]) {
      test(`GET /api/${resource}?${param}=${value} is refused with 400`, { tag: '@seeded' }, async ({ apiAs }) => {
        const res = await (await apiAs('viewer')).send('GET', `/${resource}?${param}=${encodeURIComponent(value!)}`);
        expect(res.status, JSON.stringify(res.data)).toBe(400);
        expect(res.data.error).toBe('validation_error');
        expect(res.data.fields?.[param!], `fields.${param} explains the problem`).toEqual(expect.any(String));
      });
    }
  }

  test('GET /api/tags?status=bogus is refused with 400', { tag: '@seeded' }, async ({ apiAs }) => {
    const res = await (await apiAs('viewer')).send('GET', '/tags?status=bogus');
    expect(res.status, JSON.stringify(res.data)).toBe(400);
    expect(res.data.fields?.status).toEqual(expect.any(String));
  });
});
