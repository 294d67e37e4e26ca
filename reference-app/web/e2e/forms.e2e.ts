import { expect, test, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';

const admin = { email: process.env.TAGTRUST_ADMIN_EMAIL ?? '', password: process.env.TAGTRUST_ADMIN_PASSWORD ?? '' };

async function signIn(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
}

test("the new-asset form shows the API's field errors, then creates the asset", async ({ page }) => {
  await signIn(page);
  await page.goto('/assets');
  await page.getByLabel('SKU', { exact: true }).fill('FORM-1');
  await page.getByLabel('Manufacturer', { exact: true }).fill('Form Works');
  await page.getByRole('button', { name: 'Create asset' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  // The API's message for the missing name sits on the Name field itself.
  await expect(page.getByLabel('Name', { exact: true })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('SKU', { exact: true })).not.toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: 'Create asset' })).toBeEnabled();
  const name = `Form asset ${randomBytes(3).toString('hex')}`;
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Create asset' }).click();
  await expect(page.getByRole('heading', { name })).toBeVisible();
});

test('the revoke form refuses an empty reason, then revokes the tag', async ({ page, request }) => {
  const token = (await (await request.post('/api/auth/login', { data: admin })).json()).token as string;
  const res = await request.post('/api/tags', {
    headers: { Authorization: `Bearer ${token}` },
    data: { fingerprint: randomBytes(32).toString('hex') },
  });
  expect(res.status()).toBe(201);
  const { code } = await res.json();
  await signIn(page);
  await page.goto(`/tags/${code}`);
  await page.getByRole('button', { name: 'Revoke tag' }).click();
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByTestId('tag-status')).toHaveText('unassigned');
  await page.getByLabel('Revocation reason').fill('Form test: label damaged');
  await page.getByRole('button', { name: 'Revoke tag' }).click();
  await expect(page.getByTestId('tag-status')).toHaveText('revoked');
});
