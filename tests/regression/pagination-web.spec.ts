/** The tags list in the browser: the status filter with "Next page" / "Previous page" and "Page X of Y". */
import { expect, test } from '../../fixtures/index.ts';
import { authFile } from '../../fixtures/run.ts';
import { TagsListPage } from '../../fixtures/pages/tags-list.page.ts';
import { expectedPages, runTags } from './support/run-tags.ts';

const PER_PAGE = 20; // the web app asks for the API's default page size

test.describe('tags list pagination (web)', { tag: ['@regression', '@seeded'] }, () => {
  test.use({ storageState: authFile('viewer') });

  test('filtered by status, the list pages to the last page and back', async ({ page, seeded }) => {
    const { q } = runTags(seeded);
    const tags = new TagsListPage(page);
    await tags.open();
    await tags.filter(q, 'Revoked');

    // The total on screen is the one to page through: smoke suites may revoke a tag meanwhile.
    const start = await tags.pagination();
    const { pages, lastPageSize } = expectedPages(start.total, PER_PAGE);
    expect(pages, `this run has ${start.total} revoked tags: too few to page through`).toBeGreaterThan(1);
    expect(
      start,
      `${start.total} revoked tags at ${PER_PAGE} per page need ${pages} pages; the list says ${start.pages} (last page dropped?)`,
    ).toEqual({ page: 1, pages, total: start.total });
    await expect(tags.previousPage, 'no page before the first').toBeDisabled();
    const firstRows = await tags.visibleTags();
    expect(firstRows).toHaveLength(PER_PAGE);

    for (let p = 2; p <= pages; p++) {
      await expect(tags.nextPage, `"Next page" on page ${p - 1} of ${pages}`).toBeEnabled();
      await tags.goToNextPage(p);
      await expect(tags.paginationStatus).toHaveText(`Page ${p} of ${pages}`);
    }
    const lastRows = await tags.visibleTags();
    expect(lastRows, `the last page (${pages}) shows the remaining ${lastPageSize} revoked tags`).toHaveLength(lastPageSize);
    for (const row of [...firstRows, ...lastRows]) {
      expect(row.code, 'the search still applies').toContain(q);
      expect(row.status, `${row.code}: the status filter still applies`).toBe('revoked');
    }
    await expect(tags.nextPage, 'no page after the last').toBeDisabled();

    await tags.goToPreviousPage(pages - 1);
    await expect(tags.paginationStatus).toHaveText(`Page ${pages - 1} of ${pages}`);
    expect(await tags.visibleTags(), 'a full page before the last').toHaveLength(PER_PAGE);
    await expect(page, 'the page and filters live in the URL').toHaveURL(
      new RegExp(`status=revoked.*page=${pages - 1}|page=${pages - 1}.*status=revoked`),
    );
  });
});
