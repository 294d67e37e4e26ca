import { expect, test, type APIRequestContext, type Page } from '@playwright/test';
import { randomBytes } from 'node:crypto';

const admin = { email: process.env.TAGTRUST_ADMIN_EMAIL ?? '', password: process.env.TAGTRUST_ADMIN_PASSWORD ?? '' };

/** The faults this deployment was given, read from its runtime config as the browser does. */
async function deployedFaults(request: APIRequestContext): Promise<string[]> {
  const text = await (await request.get('/config.js')).text();
  const json = /__APP_CONFIG__\s*=\s*(\{.*\});?/s.exec(text)?.[1];
  expect(json, 'config.js sets window.__APP_CONFIG__').toBeTruthy();
  return (JSON.parse(json!) as { faults: string[] }).faults;
}

async function token(request: APIRequestContext): Promise<string> {
  const res = await request.post('/api/auth/login', { data: admin });
  expect(res.status()).toBe(200);
  return (await res.json()).token as string;
}

async function signIn(page: Page): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('Email').fill(admin.email);
  await page.getByLabel('Password').fill(admin.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
}

test.beforeAll(() => {
  expect(process.env.TAGTRUST_WEB_URL, 'TAGTRUST_WEB_URL names the deployment to test').toBeTruthy();
});

test('verify_button_missing removes the Verify button, and only then', async ({ page, request }) => {
  const on = (await deployedFaults(request)).includes('verify_button_missing');
  await page.goto('/verify');
  await expect(page.getByRole('heading', { name: 'Verify a tag' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Verify' })).toHaveCount(on ? 0 : 1);
});

test('dashboard_counts_zero shows 0 for every count, and only then', async ({ page, request }) => {
  const on = (await deployedFaults(request)).includes('dashboard_counts_zero');
  const auth = { Authorization: `Bearer ${await token(request)}` };
  const created = await request.post('/api/tags', { headers: auth, data: { fingerprint: randomBytes(32).toString('hex') } });
  expect(created.status()).toBe(201);
  const stats = await (await request.get('/api/stats', { headers: auth })).json();
  expect(stats.tags.total).toBeGreaterThan(0);
  await signIn(page);
  await expect(page.getByTestId('count-tags-total')).toHaveText(on ? '0' : String(stats.tags.total));
});

test('link_button_missing removes the Link tag button, and only then', async ({ page, request }) => {
  const on = (await deployedFaults(request)).includes('link_button_missing');
  const auth = { Authorization: `Bearer ${await token(request)}` };
  const res = await request.post('/api/assets', {
    headers: auth,
    data: { name: `Fault probe ${Date.now()}`, sku: 'FP-1', manufacturer: 'Probe' },
  });
  expect(res.status()).toBe(201);
  const asset = await res.json();
  await signIn(page);
  await page.goto(`/assets/${asset.id}`);
  await expect(page.getByRole('heading', { name: asset.name })).toBeVisible();
  await expect(page.getByLabel('Tag code')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Link tag' })).toHaveCount(on ? 0 : 1);
});

test('signout_broken keeps the session after Sign out, and only then', async ({ page, request }) => {
  const on = (await deployedFaults(request)).includes('signout_broken');
  await signIn(page);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto('/');
  if (on) await expect(page.getByRole('heading', { name: 'Dashboard' })).toBeVisible();
  else await expect(page).toHaveURL(/\/login/);
});
