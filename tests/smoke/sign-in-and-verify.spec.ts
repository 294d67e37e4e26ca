import { expect, test } from '../../fixtures/index.ts';

test.describe('sign in and verify a tag', { tag: '@smoke' }, () => {
  test('an admin signs in, sees the dashboard and the deployed build, and signs out', async ({ loginPage, shell, target, page }) => {
    await loginPage.goto();
    await loginPage.signIn(target.admin.email, target.admin.password);
    await expect(shell.dashboardHeading).toBeVisible();
    await expect(page.getByTestId('count-tags-total')).toHaveText(/^\d+$/);
    if (target.build) await expect(shell.buildId).toContainText(target.build);
    await shell.signOut();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/');
    await expect(page).toHaveURL(/\/login/);
  });

  test('a wrong password is refused with a message', async ({ loginPage, target }) => {
    await loginPage.goto();
    await loginPage.signIn(target.admin.email, 'not-the-password');
    await expect(loginPage.error).toBeVisible();
    await expect(loginPage.page).toHaveURL(/\/login/);
  });

  test('a registered, linked tag verifies as genuine in the browser', async ({ linkedTag, verifyPage }) => {
    await verifyPage.goto();
    await verifyPage.verifyTag(linkedTag.tag.code);
    await expect(verifyPage.result).toHaveAttribute('data-result', 'genuine');
    await expect(verifyPage.result.getByRole('heading', { name: 'Genuine tag' })).toBeVisible();
    await expect(verifyPage.result).toContainText(linkedTag.asset.name);
    await expect(verifyPage.result).toContainText(linkedTag.asset.manufacturer);
  });

  test('a code nobody registered verifies as unknown', async ({ verifyPage }) => {
    await verifyPage.goto();
    await verifyPage.verifyTag('TT-0000-0000-0');
    await expect(verifyPage.result).toHaveAttribute('data-result', 'unknown');
  });
});
