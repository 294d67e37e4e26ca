/** The tags list (/tags) as a user works it: search, filter by status, page through. */
import { expect, test, type Locator, type Page } from '@playwright/test';

export interface PaginationText { page: number; pages: number; total: number }

export class TagsListPage {
  readonly heading: Locator;
  readonly search: Locator;
  readonly status: Locator;
  readonly table: Locator;
  readonly rows: Locator;
  readonly previousPage: Locator;
  readonly nextPage: Locator;
  readonly paginationStatus: Locator;
  /** "Page X of Y · N tags": the total sits next to the test id, inside the Pagination nav. */
  readonly paginationText: Locator;
  /** The list card says aria-busy while a page is loading; old rows stay on screen meanwhile. */
  private readonly busy: Locator;

  constructor(readonly page: Page) {
    this.heading = page.getByRole('heading', { name: 'Tags', exact: true });
    this.search = page.getByRole('searchbox', { name: 'Search tags' });
    this.status = page.getByRole('combobox', { name: 'Status' });
    this.table = page.getByRole('table', { name: 'Tags' });
    this.rows = this.table.locator('tbody').getByRole('row');
    this.previousPage = page.getByRole('button', { name: 'Previous page' });
    this.nextPage = page.getByRole('button', { name: 'Next page' });
    this.paginationStatus = page.getByTestId('pagination-status');
    this.paginationText = page.getByRole('navigation', { name: 'Pagination' });
    this.busy = page.locator('[aria-busy="true"]');
  }

  async open() {
    await test.step('open the tags list', async () => {
      await this.page.goto('/tags');
      await expect(this.heading).toBeVisible();
    });
  }

  /** Search for `text` and show only tags with `statusLabel` (All, Unassigned, Active, Revoked). */
  async filter(text: string, statusLabel: string) {
    await test.step(`search "${text}", status ${statusLabel}`, async () => {
      await this.search.fill(text);
      await this.search.press('Enter');
      const status = statusLabel === 'All' ? null : statusLabel.toLowerCase();
      await this.loads(
        (q) => q.get('q') === text && q.get('status') === status,
        () => this.status.selectOption({ label: statusLabel }),
      );
    });
  }

  async goToNextPage(expected: number) {
    await test.step(`next page (${expected})`, () => this.loads((q) => q.get('page') === String(expected), () => this.nextPage.click()));
  }

  async goToPreviousPage(expected: number) {
    await test.step(`previous page (${expected})`, () => this.loads((q) => (q.get('page') ?? '1') === String(expected), () => this.previousPage.click()));
  }

  /** What the pagination says, once the list has finished loading. */
  async pagination(): Promise<PaginationText> {
    await this.settled();
    const text = (await this.paginationText.innerText()).replace(/\s+/g, ' ');
    const m = /Page (\d+) of (\d+) · (\d+) tags?/.exec(text);
    if (!m) throw new Error(`The tags list's pagination reads "${text}", not "Page X of Y · N tags".`);
    return { page: Number(m[1]), pages: Number(m[2]), total: Number(m[3]) };
  }

  /** Codes and statuses of the rows on screen. */
  async visibleTags(): Promise<{ code: string; status: string }[]> {
    await this.settled();
    return this.rows.evaluateAll((rows) => rows.map((r) => ({
      code: r.querySelector('a')?.textContent?.trim() ?? '',
      status: r.querySelector('[data-status]')?.getAttribute('data-status') ?? '',
    })));
  }

  /** Do `action` and wait until the list shows the answer to the /api/tags call it causes. */
  private async loads(matches: (query: URLSearchParams) => boolean, action: () => Promise<unknown>) {
    const answered = this.page.waitForResponse((r) => {
      const url = new URL(r.url());
      return url.pathname.endsWith('/api/tags') && r.request().method() === 'GET' && matches(url.searchParams);
    });
    await action();
    await answered;
    await this.settled();
  }

  private async settled() {
    await expect(this.paginationStatus).toBeVisible();
    await expect(this.busy).toHaveCount(0);
  }
}
