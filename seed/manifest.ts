/**
 * The run's manifest: what the suites need to find this run's data — keys by purpose, users
 * with their passwords. Private (0600, in a 0700 directory) and git-ignored: it holds secrets.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import { DEMO_ASSETS, DEMO_TAGS } from './demo-story.ts';
import { emailFor, SAMPLE, Shape, userRoles } from './generate.ts';
import type { LoadResult } from './load.ts';
import { batchPrefix } from './tagcode.ts';

export interface ManifestUser {
  email: string;
  name: string;
  password: string;
}
export interface Manifest {
  runId: string;
  seed: number;
  profile: string;
  scale?: number;
  environment: string;
  createdAt: string;
  anchor: string;
  batches: string[];
  counts: Record<string, number>;
  users: Record<'admin' | 'operator' | 'viewer', ManifestUser[]>;
  tags: {
    genuine: { code: string; assetId: number }[];
    revoked: { code: string; reason: string | null }[];
    unassigned: string[];
    /** Well-formed codes nobody registered: verify answers "unknown". */
    unknown: string[];
  };
  assets: { id: number; name: string }[];
  demo?: { story: string; assetId?: number; assetName?: string; code?: string }[];
  /** Where the regression profile put text that must render inert (seed/hostile.ts). */
  hostile?: { assetId: number; linkedCode: string; revokedCode: string };
}

export function runsDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.TOLLGATE_RUNS_DIR || join(REPO_ROOT, '.tollgate', 'runs'));
}

export const manifestPath = (runId: string, env: NodeJS.ProcessEnv = process.env) => join(runsDir(env), runId, 'manifest.json');

export function buildManifest(r: LoadResult, o: { environment: string; scale?: number; createdAt: Date }): Manifest {
  const { input, plan } = r;
  const shape = new Shape(input);
  const users: Manifest['users'] = { admin: [], operator: [], viewer: [] };
  const counters = { admin: 0, operator: 0, viewer: 0 };
  // Names are read back the way the generator made them: same seed, same order.
  userRoles(plan).forEach((role, i) => {
    users[role].push({ email: emailFor(input.runId, role, ++counters[role]), name: '', password: r.passwords[i]! });
  });
  const tags: Manifest['tags'] = { genuine: [], revoked: [], unassigned: [], unknown: [] };
  for (let i = 0; i < plan.tags; i++) {
    const status = shape.status(i);
    if (status === 'active' && tags.genuine.length < SAMPLE)
      tags.genuine.push({ code: shape.code(i), assetId: Number(input.ids.assets[shape.assetOf(i)]) });
    if (status === 'revoked' && tags.revoked.length < SAMPLE) tags.revoked.push({ code: shape.code(i), reason: null });
    if (status === 'unassigned' && tags.unassigned.length < SAMPLE) tags.unassigned.push(shape.code(i));
  }
  // Serials past every registered tag and every seeded unknown scan are never registered.
  for (let k = 0; k < 3; k++) tags.unknown.push(shape.code(plan.tags + plan.verifications + k));
  return {
    runId: input.runId,
    seed: input.seed,
    profile: plan.profile,
    ...(o.scale !== undefined ? { scale: o.scale } : {}),
    environment: o.environment,
    createdAt: o.createdAt.toISOString(),
    anchor: input.anchor.toISOString(),
    batches: input.batches.map(batchPrefix),
    counts: r.counts,
    users,
    tags,
    assets: Array.from({ length: Math.min(SAMPLE, plan.assets) }, (_, j) => ({ id: Number(input.ids.assets[j]), name: '' })),
    ...(shape.hostile
      ? {
          hostile: {
            assetId: Number(input.ids.assets[shape.hostile.asset]),
            linkedCode: shape.code(shape.hostile.linkedTag),
            revokedCode: shape.code(shape.hostile.revokedTag),
          },
        }
      : {}),
    ...(plan.profile === 'demo'
      ? {
          demo: DEMO_TAGS.map((t, i) => ({
            story: t.story,
            code: shape.code(i),
            ...(t.status !== 'unassigned' ? { assetId: Number(input.ids.assets[t.asset]), assetName: DEMO_ASSETS[t.asset]!.name } : {}),
          })),
        }
      : {}),
  };
}

export function writeManifest(manifest: Manifest, env: NodeJS.ProcessEnv = process.env): string {
  const file = manifestPath(manifest.runId, env);
  // Only the run's own directory is private: a recursive mkdir would give its mode to every
  // parent it creates too (.tollgate/ itself, which the stack's postgres user must traverse).
  mkdirSync(runsDir(env), { recursive: true });
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, file);
  return file;
}

export function readManifest(runId: string, env: NodeJS.ProcessEnv = process.env): Manifest {
  return JSON.parse(readFileSync(manifestPath(runId, env), 'utf8')) as Manifest;
}

/** Names and reasons as the database holds them (read back inside the seeding transaction). */
export async function fillFromDatabase(client: import('pg').Client, m: Manifest): Promise<void> {
  const assets = await client.query<{ id: string; name: string }>('SELECT id, name FROM assets WHERE id = ANY($1::bigint[])', [
    m.assets.map((a) => a.id),
  ]);
  const assetNames = new Map(assets.rows.map((r) => [Number(r.id), r.name]));
  for (const a of m.assets) a.name = assetNames.get(a.id) ?? a.name;
  const emails = Object.values(m.users).flat();
  const users = await client.query<{ email: string; name: string }>('SELECT email, name FROM users WHERE email = ANY($1)', [
    emails.map((u) => u.email),
  ]);
  const userNames = new Map(users.rows.map((r) => [r.email, r.name]));
  for (const u of emails) u.name = userNames.get(u.email) ?? u.name;
  const revoked = await client.query<{ code: string; revoked_reason: string | null }>(
    'SELECT code, revoked_reason FROM tags WHERE code = ANY($1)',
    [m.tags.revoked.map((t) => t.code)],
  );
  const reasons = new Map(revoked.rows.map((r) => [r.code, r.revoked_reason]));
  for (const t of m.tags.revoked) t.reason = reasons.get(t.code) ?? null;
}
