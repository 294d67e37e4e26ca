/**
 * Fresh records for tests that change data. Seeded records are shared with the smoke suites
 * (fixtures/run.ts RECORDS), so every mutating regression test makes its own, marked with the
 * run id (metadata.tollgate_run, or the run's e-mail prefix) so the run's cleanup deletes them.
 */
import { randomBytes } from 'node:crypto';
import type { ApiClient, Asset, NewAsset, Tag } from '../../../fixtures/api-client.ts';
import { ALPHABET, checkChar } from '../../../seed/tagcode.ts';

/** A short upper-case token that no seeded or generated value contains by chance. */
export const token = () => `RG${randomBytes(5).toString('hex').toUpperCase()}`;

export const fingerprint = () => randomBytes(32).toString('hex');

/**
 * A well-formed code nobody has registered: 2^40 codes, so hitting an existing tag, or this
 * run's batch (whose exact count the pagination tests rely on), is a one-in-a-million event.
 */
export function unusedCode(): string {
  const payload = Array.from(randomBytes(8), (b) => ALPHABET[b % ALPHABET.length]).join('');
  return `TT-${payload.slice(0, 4)}-${payload.slice(4)}-${checkChar(payload)}`;
}

/** The same code with a check character that is certainly wrong. */
export function withBadCheck(code: string): string {
  const check = code.at(-1)!;
  const wrong = ALPHABET[(ALPHABET.indexOf(check) + 1) % ALPHABET.length]!;
  return code.slice(0, -1) + wrong;
}

/** Metadata that marks a record as this run's (for raw `send` calls the typed helpers do not cover). */
export const marked = (runId: string, extra: Record<string, unknown> = {}) => ({ ...extra, tollgate_run: runId });

export const assetBody = (runId: string, overrides: Partial<NewAsset> = {}) => ({
  name: `Regression pallet ${token()}`,
  sku: token(),
  manufacturer: 'Tollgate Regression Ltd.',
  ...overrides,
  metadata: marked(runId, overrides.metadata ?? {}),
});

export const newAsset = (client: ApiClient, overrides: Partial<NewAsset> = {}): Promise<Asset> =>
  client.createAsset({ name: `Regression pallet ${token()}`, sku: token(), manufacturer: 'Tollgate Regression Ltd.', ...overrides });

export const newTag = (client: ApiClient, code = unusedCode()): Promise<Tag> => client.createTag({ fingerprint: fingerprint(), code });

/** An asset with a fresh tag linked to it; returns the link's id as the API reported it. */
export async function linkedPair(client: ApiClient): Promise<{ asset: Asset; tag: Tag; linkId: number }> {
  const [asset, tag] = await Promise.all([newAsset(client), newTag(client)]);
  const link = await client.linkTag(asset.id, tag.code);
  return { asset, tag, linkId: link.id };
}

/** A new user's body; the e-mail carries the run's prefix so the cleanup removes the user. */
export const userBody = (runId: string, role: 'viewer' | 'operator' | 'admin' = 'viewer') => ({
  email: `${runId}.regr-${token().toLowerCase()}@seed.tagtrust.test`,
  name: 'Regression User',
  role,
  password: randomBytes(12).toString('base64url'),
});

/**
 * Headers for /api/verify calls. Scans of unknown codes reference no tag, so the cleanup finds
 * them by this user-agent suffix (seed/clean.ts); without it they would outlive the run.
 */
export const scanHeaders = (runId: string) => ({ 'User-Agent': `Tollgate-regression tollgate/${runId}` });

/** A date `days` from today (UTC), as the API's YYYY-MM-DD. */
export const isoDay = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
