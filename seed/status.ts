/** Tag statuses of seeded data: a fixed pattern, so counts are pure arithmetic. */

/** Ten tags in a row have this status mix: 7 active, 2 unassigned, 1 revoked. */
const STATUS_PATTERN = [
  'active',
  'active',
  'unassigned',
  'active',
  'active',
  'revoked',
  'active',
  'active',
  'unassigned',
  'active',
] as const;
export type TagStatus = (typeof STATUS_PATTERN)[number];

export const statusOf = (i: number, rotation: number): TagStatus => STATUS_PATTERN[(i + rotation) % 10]!;
/** Every 20th linked tag also has an earlier, closed link to another asset. */
export const hasHistory = (i: number) => i % 20 === 3;
