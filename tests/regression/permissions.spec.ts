/**
 * Every role against every action, from the contract's role table: anonymous → 401, a role
 * below the action's → 403, otherwise the action's 2xx. Each mutating case makes its own
 * records, and a refused case proves the refusal changed nothing.
 */
import type { Method } from 'axios';
import type { ApiClient, Asset, Tag } from '../../fixtures/api-client.ts';
import { expect, test } from '../../fixtures/index.ts';
import type { Role } from '../../config/ids.ts';
import { assetBody, fingerprint, linkedPair, marked, newAsset, newTag, token, unusedCode, userBody } from './support/data.ts';

type Caller = 'anonymous' | Role;
const CALLERS: Caller[] = ['anonymous', 'viewer', 'operator', 'admin'];

interface Ctx {
  operator: ApiClient;
  admin: ApiClient;
  anonymous: ApiClient;
  runId: string;
}
/** What a case prepared: only the fields it needs are set. */
interface Prepared {
  asset?: Asset;
  tag?: Tag;
  code?: string;
  sku?: string;
  user?: ReturnType<typeof userBody>;
}

interface Case {
  action: string;
  writes: boolean;
  /** The roles the contract lets do it (anonymous never). */
  allowed: Role[];
  success: 200 | 201 | 204;
  prepare?: (ctx: Ctx) => Promise<Prepared>;
  request: (p: Prepared, ctx: Ctx) => { method: Method; path: string; body?: unknown };
  /** After a 401/403: the state the action would have changed is as it was. */
  unchanged?: (p: Prepared, ctx: Ctx) => Promise<void>;
}

const VIEWER_UP: Role[] = ['viewer', 'operator', 'admin'];
const OPERATOR_UP: Role[] = ['operator', 'admin'];
const ADMIN: Role[] = ['admin'];

const tagStatus = async (ctx: Ctx, code: string) => (await ctx.admin.getTag(code)).status;

const CASES: Case[] = [
  { action: 'list tags', writes: false, allowed: VIEWER_UP, success: 200, request: () => ({ method: 'GET', path: '/tags?per_page=1' }) },
  {
    action: 'create a tag',
    writes: true,
    allowed: OPERATOR_UP,
    success: 201,
    prepare: async () => ({ code: unusedCode() }),
    request: ({ code }, { runId }) => ({
      method: 'POST',
      path: '/tags',
      body: { code, fingerprint: fingerprint(), metadata: marked(runId) },
    }),
    unchanged: async ({ code }, ctx) =>
      expect((await ctx.admin.send('GET', `/tags/${code}`)).status, `tag ${code} was not created`).toBe(404),
  },
  {
    action: 'revoke a tag',
    writes: true,
    allowed: OPERATOR_UP,
    success: 200,
    prepare: async ({ operator }) => ({ tag: await newTag(operator) }),
    request: ({ tag }) => ({ method: 'POST', path: `/tags/${tag!.code}/revoke`, body: { reason: 'Regression: permission check' } }),
    unchanged: async ({ tag }, ctx) => expect(await tagStatus(ctx, tag!.code), 'the tag was not revoked').toBe('unassigned'),
  },
  {
    action: 'create an asset',
    writes: true,
    allowed: OPERATOR_UP,
    success: 201,
    prepare: async () => ({ sku: token() }),
    request: ({ sku }, { runId }) => ({ method: 'POST', path: '/assets', body: assetBody(runId, { sku: sku! }) }),
    unchanged: async ({ sku }, ctx) => expect((await ctx.admin.listAssets({ q: sku! })).total, `no asset with SKU ${sku}`).toBe(0),
  },
  {
    action: 'update an asset',
    writes: true,
    allowed: OPERATOR_UP,
    success: 200,
    prepare: async ({ operator }) => ({ asset: await newAsset(operator) }),
    request: ({ asset }) => ({ method: 'PATCH', path: `/assets/${asset!.id}`, body: { location: 'Dock 9' } }),
    unchanged: async ({ asset }, ctx) => expect((await ctx.admin.getAsset(asset!.id)).location, 'the asset was not changed').toBeNull(),
  },
  {
    action: 'delete an asset',
    writes: true,
    allowed: ADMIN,
    success: 204,
    prepare: async ({ operator }) => ({ asset: await newAsset(operator) }),
    request: ({ asset }) => ({ method: 'DELETE', path: `/assets/${asset!.id}` }),
    unchanged: async ({ asset }, ctx) =>
      expect((await ctx.admin.send('GET', `/assets/${asset!.id}`)).status, 'the asset still exists').toBe(200),
  },
  {
    action: 'link a tag',
    writes: true,
    allowed: OPERATOR_UP,
    success: 201,
    prepare: async ({ operator }) => ({ asset: await newAsset(operator), tag: await newTag(operator) }),
    request: ({ asset, tag }) => ({ method: 'POST', path: `/assets/${asset!.id}/links`, body: { tag_code: tag!.code } }),
    unchanged: async ({ tag }, ctx) => expect(await tagStatus(ctx, tag!.code), 'the tag was not linked').toBe('unassigned'),
  },
  {
    action: 'unlink a tag',
    writes: true,
    allowed: OPERATOR_UP,
    success: 200,
    prepare: async ({ operator }) => linkedPair(operator),
    request: ({ asset, tag }) => ({ method: 'DELETE', path: `/assets/${asset!.id}/links/${tag!.code}` }),
    unchanged: async ({ asset, tag }, ctx) =>
      expect((await ctx.admin.getTag(tag!.code)).asset?.id, 'the tag is still linked').toBe(asset!.id),
  },
  {
    action: 'read the audit log',
    writes: false,
    allowed: ADMIN,
    success: 200,
    request: () => ({ method: 'GET', path: '/audit?per_page=1' }),
  },
  { action: 'list users', writes: false, allowed: ADMIN, success: 200, request: () => ({ method: 'GET', path: '/users?per_page=1' }) },
  {
    action: 'create a user',
    writes: true,
    allowed: ADMIN,
    success: 201,
    prepare: async ({ runId }) => ({ user: userBody(runId) }),
    request: ({ user }) => ({ method: 'POST', path: '/users', body: user }),
    unchanged: async ({ user }, ctx) =>
      expect(
        (await ctx.anonymous.send('POST', '/auth/login', { email: user!.email, password: user!.password })).status,
        `${user!.email} cannot sign in: not created`,
      ).toBe(401),
  },
];

function expectedStatus(c: Case, caller: Caller): number {
  if (caller === 'anonymous') return 401;
  return c.allowed.includes(caller) ? c.success : 403;
}

test.describe('permissions: every role × action', { tag: '@regression' }, () => {
  for (const c of CASES) {
    for (const caller of CALLERS) {
      const expected = expectedStatus(c, caller);
      const tags = ['@seeded', ...(c.writes ? ['@writes'] : [])];
      test(`${caller} → ${c.action}: ${expected}`, { tag: tags }, async ({ api, apiAs, runId }) => {
        const ctx: Ctx = { operator: await apiAs('operator'), admin: await apiAs('admin'), anonymous: api, runId };
        const prepared = c.prepare ? await c.prepare(ctx) : {};
        const client = caller === 'anonymous' ? api : await apiAs(caller);
        const { method, path, body } = c.request(prepared, ctx);
        const res = await client.send(method, path, body);
        expect(res.status, `${caller} ${method} ${path} answered ${res.status} ${JSON.stringify(res.data)?.slice(0, 200)}`).toBe(expected);
        if (expected === 401) expect(res.data.error).toBe('unauthorized');
        if (expected === 403) expect(res.data.error).toBe('forbidden');
        if (expected >= 400 && c.unchanged) await c.unchanged(prepared, ctx);
      });
    }
  }
});
