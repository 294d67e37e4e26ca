/**
 * Row generation for one seeding run, as COPY text-format chunks, table by table.
 * Everything one table needs from another (which asset a tag is linked to, when it was
 * linked) is a pure function of row indexes, so each table streams on its own and the same
 * input always gives the same bytes. Database ids are reserved by the loader and passed in.
 */
import { Random, hex64 } from './random.ts';
import { codeFor, BATCH_SIZE, batchPrefix } from './tagcode.ts';
import { tagStatus, type Plan } from './plan.ts';
import { hasHistory, type TagStatus } from './status.ts';
import { type Role } from '../config/ids.ts';
import type { Pools } from './pools.ts';
import { DEMO_ASSETS, DEMO_TAGS, DEMO_USERS } from './demo-story.ts';
import { HOSTILE, hasHostileData } from './hostile.ts';

export interface GenerateInput {
  seed: number;
  plan: Plan;
  runId: string;
  /** Code batches this run owns (one per 2^20 tags). */
  batches: number[];
  /** "Now" for the data: every timestamp lies before it. */
  anchor: Date;
  pools: Pools;
  ids: { users: ArrayLike<number>; assets: ArrayLike<number>; tags: ArrayLike<number> };
  /** Werkzeug-format password hashes, one per user, in user order. */
  userHashes: string[];
}

export interface TableSpec {
  table: 'users' | 'assets' | 'tags' | 'tag_links' | 'verifications';
  columns: string[];
}

export const TABLES: TableSpec[] = [
  { table: 'users', columns: ['id', 'email', 'name', 'role', 'password_hash', 'active', 'created_at', 'updated_at'] },
  {
    table: 'assets',
    columns: ['id', 'name', 'sku', 'lot', 'manufacturer', 'location', 'manufactured_on', 'metadata', 'created_at', 'updated_at'],
  },
  {
    table: 'tags',
    columns: ['id', 'code', 'fingerprint', 'status', 'revoked_at', 'revoked_reason', 'metadata', 'created_at', 'updated_at'],
  },
  { table: 'tag_links', columns: ['tag_id', 'asset_id', 'linked_at', 'linked_by', 'unlinked_at', 'unlinked_by'] },
  { table: 'verifications', columns: ['code', 'tag_id', 'result', 'location', 'user_agent', 'verified_at'] },
];

const CHUNK = 64 * 1024;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NULL = '\\N';

/** A 32-bit mix of (seed, index): cross-table choices that any table can recompute. */
function hash(seed: number, i: number, salt: number): number {
  let h = Math.imul(i ^ Math.imul(seed, 0x9e3779b1), 0x85ebca6b) ^ salt;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

const iso = (ms: number) => new Date(ms).toISOString();

export const rotationFor = (seed: number, profile: string) => (profile === 'demo' ? 0 : seed % 10);

export function emailFor(runId: string, role: Role, n: number): string {
  return `${runId}.${role}${n}@seed.tagtrust.test`;
}

/** How many records of each kind the manifest lists for the suites. */
export const SAMPLE = 10;

/**
 * Where the hostile text goes (hostile.ts): the last asset, linked to the first active tag past
 * the manifest's samples, and the first revoked tag past them; so no test meets it by accident.
 */
export interface HostilePlace {
  asset: number;
  linkedTag: number;
  revokedTag: number;
}

/** The shape shared by all tables: status, linked asset and times of tag i. */
export class Shape {
  readonly rotation: number;
  readonly anchor: number;
  readonly hostile: HostilePlace | undefined;
  private readonly operators: number[];

  constructor(readonly input: GenerateInput) {
    this.rotation = rotationFor(input.seed, input.plan.profile);
    this.anchor = input.anchor.getTime();
    const roles = userRoles(input.plan);
    this.operators = roles.map((r, i) => (r === 'operator' ? Number(input.ids.users[i]) : -1)).filter((id) => id >= 0);
    this.hostile = hasHostileData(input.plan.profile) ? this.placeHostile() : undefined;
  }

  private placeHostile(): HostilePlace | undefined {
    const past = (status: TagStatus) => {
      let seen = 0;
      for (let i = 0; i < this.input.plan.tags; i++) if (this.status(i) === status && seen++ === SAMPLE) return i;
      return -1;
    };
    const [linkedTag, revokedTag] = [past('active'), past('revoked')];
    return linkedTag < 0 || revokedTag < 0 ? undefined : { asset: this.input.plan.assets - 1, linkedTag, revokedTag };
  }

  status(i: number): TagStatus {
    return tagStatus(this.input.plan.profile, i, this.rotation);
  }

  assetOf(i: number): number {
    const { plan, seed } = this.input;
    if (i === this.hostile?.linkedTag) return this.hostile.asset;
    if (plan.profile !== 'demo') return hash(seed, i, 1) % plan.assets;
    // Filler tags stay off the flagship assets, so the storyline reads cleanly.
    return DEMO_TAGS[i]?.asset ?? DEMO_ASSETS.length + (hash(seed, i, 1) % (plan.assets - DEMO_ASSETS.length));
  }

  code(i: number): string {
    return codeFor(this.input.batches[Math.floor(i / BATCH_SIZE)]!, i % BATCH_SIZE, this.input.seed);
  }

  tagCreated(i: number): number {
    return this.anchor - 2 * DAY - Math.floor((1 - i / this.input.plan.tags) * 360 * DAY);
  }

  assetCreated(j: number): number {
    return this.anchor - 3 * DAY - Math.floor((1 - j / this.input.plan.assets) * 400 * DAY);
  }

  /** When tag i's current link was made: after both exist, at least an hour before the anchor. */
  linkedAt(i: number): number {
    const from = Math.max(this.tagCreated(i), this.assetCreated(this.assetOf(i)));
    return from + (hash(this.input.seed, i, 2) % Math.max(1, Math.floor((this.anchor - HOUR - from) / 2)));
  }

  revokedAt(i: number): number {
    return this.linkedAt(i) + Math.floor((this.anchor - HOUR - this.linkedAt(i)) / 2);
  }

  operator(i: number): number {
    return this.operators.length ? this.operators[i % this.operators.length]! : -1;
  }
}

export function userRoles(plan: Plan): Role[] {
  return (['admin', 'operator', 'viewer'] as const).flatMap((role) => Array.from({ length: plan.users[role] }, () => role));
}

/** Chunks of COPY text for one table, each with the number of rows in it. */
export function* rows(table: TableSpec['table'], input: GenerateInput): Generator<{ text: string; rows: number }> {
  const shape = new Shape(input);
  const make = { users, assets, tags, tag_links: links, verifications }[table];
  let text = '';
  let count = 0;
  for (const line of make(shape)) {
    text += line;
    count++;
    if (text.length >= CHUNK) {
      yield { text, rows: count };
      text = '';
      count = 0;
    }
  }
  if (count) yield { text, rows: count };
}

function* users(shape: Shape): Generator<string> {
  const { input } = shape;
  const r = new Random(input.seed, 'users');
  const counters: Record<Role, number> = { admin: 0, operator: 0, viewer: 0 };
  const demo = input.plan.profile === 'demo';
  let i = 0;
  for (const role of userRoles(input.plan)) {
    const n = ++counters[role];
    const name = demo ? DEMO_USERS[role] : `${r.pick(input.pools.firstNames)} ${r.pick(input.pools.lastNames)}`;
    const created = iso(shape.anchor - 30 * DAY + i * HOUR);
    yield `${input.ids.users[i]}\t${emailFor(input.runId, role, n)}\t${name}\t${role}\t${input.userHashes[i]}\tt\t${created}\t${created}\n`;
    i++;
  }
}

function* assets(shape: Shape): Generator<string> {
  const { input } = shape;
  const { pools, plan, runId } = input;
  const r = new Random(input.seed, 'assets');
  for (let j = 0; j < plan.assets; j++) {
    const m = r.int(pools.manufacturers.length);
    const demo = plan.profile === 'demo' ? DEMO_ASSETS[j] : undefined;
    const name = demo?.name ?? `${r.pick(pools.products)} ${pools.manufacturerCodes[m]}-${r.between(100, 9999)}`;
    const manufacturer = demo?.manufacturer ?? pools.manufacturers[m]!;
    const sku = demo?.sku ?? `${pools.manufacturerCodes[m]}-${r.between(10000, 99999)}`;
    const made = shape.assetCreated(j) - r.int(900) * DAY;
    const lot = demo?.lot ?? `L${iso(made).slice(2, 4)}${String(r.between(1, 52)).padStart(2, '0')}-${r.between(100, 999)}`;
    const location = demo?.location ?? r.pick(pools.locations);
    const category = demo?.category ?? r.pick(pools.categories);
    const created = iso(shape.assetCreated(j));
    if (j === shape.hostile?.asset) {
      yield (
        `${input.ids.assets[j]}\t${HOSTILE.name} ${name}\t${sku}\t${HOSTILE.lot}\t${HOSTILE.manufacturer} ${manufacturer}\t` +
        `${HOSTILE.location} ${location}\t${iso(made).slice(0, 10)}\t{"tollgate_run": "${runId}", "category": "${category}"}\t${created}\t${created}\n`
      );
      continue;
    }
    yield (
      `${input.ids.assets[j]}\t${name}\t${sku}\t${lot}\t${manufacturer}\t${location}\t${iso(made).slice(0, 10)}\t` +
      `{"tollgate_run": "${runId}", "category": "${category}"}\t${created}\t${created}\n`
    );
  }
}

function* tags(shape: Shape): Generator<string> {
  const { input } = shape;
  const { plan, runId, pools } = input;
  // Fingerprints must differ between runs with the same seed: mix in the run's first batch.
  const fingerprints = new Random(input.seed, `fingerprints:${input.batches[0]}`);
  const r = new Random(input.seed, 'tags');
  for (let i = 0; i < plan.tags; i++) {
    const status = shape.status(i);
    const created = iso(shape.tagCreated(i));
    const batch = batchPrefix(input.batches[Math.floor(i / BATCH_SIZE)]!);
    let revokedAt = NULL;
    let reason = NULL;
    let updated = created;
    if (status === 'revoked') {
      revokedAt = updated = iso(shape.revokedAt(i));
      reason = (plan.profile === 'demo' ? DEMO_TAGS[i]?.reason : undefined) ?? r.pick(pools.revocationReasons);
      if (i === shape.hostile?.revokedTag) reason = HOSTILE.reason;
    } else if (status === 'active') {
      updated = iso(shape.linkedAt(i));
    }
    yield (
      `${input.ids.tags[i]}\t${shape.code(i)}\t${hex64(fingerprints)}\t${status}\t${revokedAt}\t${reason}\t` +
      `{"tollgate_run": "${runId}", "batch": "${batch}"}\t${created}\t${updated}\n`
    );
  }
}

function* links(shape: Shape): Generator<string> {
  const { input } = shape;
  for (let i = 0; i < input.plan.tags; i++) {
    if (shape.status(i) === 'unassigned') continue;
    const tagId = input.ids.tags[i];
    const linkedAt = shape.linkedAt(i);
    const by = shape.operator(i) >= 0 ? String(shape.operator(i)) : NULL;
    if (hasHistory(i)) {
      // An earlier, closed link: the tag moved from another asset to this one.
      const earlier = (shape.assetOf(i) + 1) % input.plan.assets;
      const from = Math.max(shape.tagCreated(i), shape.assetCreated(earlier));
      const until = Math.max(from, linkedAt - HOUR);
      yield `${tagId}\t${input.ids.assets[earlier]}\t${iso(Math.min(from, until))}\t${by}\t${iso(until)}\t${by}\n`;
    }
    yield `${tagId}\t${input.ids.assets[shape.assetOf(i)]}\t${iso(linkedAt)}\t${by}\t${NULL}\t${NULL}\n`;
  }
}

function* verifications(shape: Shape): Generator<string> {
  const { input } = shape;
  const { plan, pools, runId } = input;
  const r = new Random(input.seed, 'verifications');
  // The run marker rides in the user agent: verifications have no metadata column.
  const agents = pools.scanners.map((s) => `${s} tollgate/${runId}`);
  let unknown = 0;
  for (let v = 0; v < plan.verifications; v++) {
    const recent = r.chance(0.15);
    if (r.chance(0.05)) {
      // A scan of a code nobody registered: from this run's batch, past its last tag.
      const at = recent ? shape.anchor - r.int(DAY) : shape.anchor - DAY - r.int(90 * DAY);
      yield `${shape.code(plan.tags + unknown++)}\t${NULL}\tunknown\t${r.pick(pools.locations)}\t${r.pick(agents)}\t${iso(at)}\n`;
      continue;
    }
    const i = r.int(plan.tags);
    const status = shape.status(i);
    const from = status === 'unassigned' ? shape.tagCreated(i) : shape.linkedAt(i);
    const span = Math.max(1, shape.anchor - from - 1);
    const at = recent ? shape.anchor - 1 - r.int(Math.min(DAY, span)) : from + r.int(span);
    const result = status === 'revoked' && at >= shape.revokedAt(i) ? 'revoked' : 'genuine';
    yield `${shape.code(i)}\t${input.ids.tags[i]}\t${result}\t${r.pick(pools.locations)}\t${r.pick(agents)}\t${iso(at)}\n`;
  }
}
