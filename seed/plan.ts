/** Profiles: how many rows of each kind a run writes. Pure arithmetic, no randomness. */
import { UsageError } from '../config/errors.ts';
import type { Role } from '../config/ids.ts';
import { DEMO_TAGS } from './demo-story.ts';
import { hasHistory, statusOf, type TagStatus } from './status.ts';

export const PROFILES = ['smoke', 'regression', 'demo', 'volume'] as const;
export type Profile = (typeof PROFILES)[number];

export interface Plan {
  profile: Profile;
  users: Record<Role, number>;
  assets: number;
  tags: number;
  /** Derived from `tags`: one open link per linked tag plus closed history. */
  links: number;
  verifications: number;
  total: number;
}

/** The status of tag i in a run of `profile`: the demo storyline overrides the pattern. */
export const tagStatus = (profile: string, i: number, rotation: number): TagStatus =>
  (profile === 'demo' ? DEMO_TAGS[i]?.status : undefined) ?? statusOf(i, rotation);

export function linkCount(profile: string, tags: number, rotation: number): number {
  let links = 0;
  for (let i = 0; i < tags; i++) if (tagStatus(profile, i, rotation) !== 'unassigned') links += hasHistory(i) ? 2 : 1;
  return links;
}

export const MAX_SCALE = 20_000_000;
const VOLUME_USERS: Record<Role, number> = { admin: 2, operator: 4, viewer: 4 };

export function makePlan(profile: string, scale: number | undefined, rotation: number): Plan {
  if (!(PROFILES as readonly string[]).includes(profile)) {
    throw new UsageError(`Unknown profile "${profile}".`, { hint: `Profiles: ${PROFILES.join(', ')}.` });
  }
  if (scale !== undefined && profile !== 'volume') {
    throw new UsageError(`--scale applies to the volume profile only (got --profile ${profile}).`, {
      hint: 'Use --profile volume --scale N.',
    });
  }
  const fixed = (users: Record<Role, number>, assets: number, tags: number, verifications: number): Plan => {
    const links = linkCount(profile, tags, rotation);
    const userCount = users.admin + users.operator + users.viewer;
    return {
      profile: profile as Profile,
      users,
      assets,
      tags,
      links,
      verifications,
      total: userCount + assets + tags + links + verifications,
    };
  };
  switch (profile as Profile) {
    case 'smoke':
      return fixed({ admin: 1, operator: 2, viewer: 2 }, 12, 24, 24);
    case 'regression':
      return fixed({ admin: 2, operator: 4, viewer: 4 }, 1_500, 3_000, 3_000);
    case 'demo':
      return fixed({ admin: 1, operator: 1, viewer: 1 }, 24, 40, 80);
    case 'volume': {
      if (scale === undefined || !Number.isInteger(scale) || scale < 100 || scale > MAX_SCALE) {
        throw new UsageError(
          `--scale must be an integer from 100 to ${MAX_SCALE.toLocaleString('en')} for the volume profile${scale === undefined ? '' : `, got ${scale}`}.`,
          {
            hint: 'For example: --profile volume --scale 1000000 (rows in total, across all tables).',
          },
        );
      }
      const rest = scale - 10;
      const assets = Math.floor(rest * 0.2);
      const tags = Math.floor(rest * 0.3);
      const links = linkCount('volume', tags, rotation);
      return { profile: 'volume', users: VOLUME_USERS, assets, tags, links, verifications: rest - assets - tags - links, total: scale };
    }
  }
}
