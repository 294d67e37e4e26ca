/** Any page of the web app, as a visitor sees it: its main heading, its alerts and its links. */
import { expect, test, type Locator, type Page } from '@playwright/test';

export class AppPage {
  readonly mainHeading: Locator;
  /** The app's own "not found" page, shown for routes it does not know. */
  readonly notFound: Locator;
  readonly alerts: Locator;

  constructor(readonly page: Page) {
    this.mainHeading = page.getByRole('heading', { level: 1 }).first();
    this.notFound = page.getByRole('heading', { name: 'Page not found', exact: true });
    this.alerts = page.getByRole('alert');
  }

  /** Open `path` and wait until it shows `heading` and has stopped loading data. */
  async open(path: string, heading?: string) {
    await test.step(`open ${path}`, async () => {
      await this.page.goto(path);
      await expect(heading ? this.page.getByRole('heading', { name: heading, exact: true }) : this.mainHeading).toBeVisible();
      await this.page.waitForLoadState('networkidle');
    });
  }

  /** Same-origin link targets on the page (path and query; #fragments are the same page), once each. */
  async sameOriginLinks(): Promise<string[]> {
    const origin = new URL(this.page.url()).origin;
    const hrefs = await this.page.locator('a[href]').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    const paths = hrefs.map((h) => new URL(h)).filter((u) => u.origin === origin).map((u) => u.pathname + u.search);
    return [...new Set(paths)];
  }
}
