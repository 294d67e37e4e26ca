/**
 * The `demo` profile's storyline: recognisable flagship assets and the tags that tell their
 * story in front of a customer. Asset i of a demo run is DEMO_ASSETS[i] (the rest is filler);
 * tag i is DEMO_TAGS[i]. Stable across runs and seeds, so a demo script can rely on it.
 */
import type { Role } from '../config/ids.ts';
import type { TagStatus } from './status.ts';

export interface DemoAsset {
  name: string;
  manufacturer: string;
  sku: string;
  lot: string;
  location: string;
  category: string;
  story: string;
}
export interface DemoTag {
  asset: number;
  status: TagStatus;
  reason?: string;
  story: string;
}

export const DEMO_ASSETS: DemoAsset[] = [
  {
    name: 'Aurelia Chronograph No. 7',
    manufacturer: 'Maison Verlaine Horlogerie',
    sku: 'MVH-AC7-0042',
    lot: 'L2609-017',
    location: 'Geneva, CH',
    category: 'Luxury watches',
    story: 'flagship',
  },
  {
    name: 'VX-2291 mRNA vaccine, cold-chain pallet',
    manufacturer: 'Nordhavn Biologics',
    sku: 'NHB-VX2291-P',
    lot: 'L2644-301',
    location: 'Rotterdam, NL',
    category: 'Pharmaceuticals',
    story: 'cold chain',
  },
  {
    name: 'Carbon brake assembly CB-900',
    manufacturer: 'Stratos Aerospace Components',
    sku: 'SAC-CB900-R2',
    lot: 'L2631-088',
    location: 'Toulouse, FR',
    category: 'Aerospace parts',
    story: 'safety-critical part',
  },
  {
    name: 'Château Lagrange-Sud 2015, case of 6',
    manufacturer: 'Château Lagrange-Sud',
    sku: 'CLS-2015-C6',
    lot: 'L1552-006',
    location: 'Bordeaux, FR',
    category: 'Fine wine',
    story: 'collectible',
  },
  {
    name: 'Helix M2 industrial controller',
    manufacturer: 'Kestrel Automation',
    sku: 'KAU-HM2-1100',
    lot: 'L2618-442',
    location: 'Stuttgart, DE',
    category: 'Electronics',
    story: 'grey-market risk',
  },
  {
    name: 'Saffron reserve, 500 g tin',
    manufacturer: 'Zarin Spice House',
    sku: 'ZSH-SAF-500',
    lot: 'L2640-009',
    location: 'Dubai, AE',
    category: 'Food',
    story: 'adulteration risk',
  },
];

/** Tags 0-9 tell the story; the Aurelia watch's first tag was revoked and replaced. */
export const DEMO_TAGS: DemoTag[] = [
  { asset: 0, status: 'active', story: 'flagship genuine tag' },
  { asset: 0, status: 'revoked', reason: 'Label damaged during servicing; replaced by a new tag', story: 'flagship revoked tag' },
  { asset: 1, status: 'active', story: 'cold-chain genuine tag' },
  { asset: 2, status: 'active', story: 'brake assembly genuine tag' },
  { asset: 3, status: 'active', story: 'wine case genuine tag' },
  { asset: 3, status: 'revoked', reason: 'Reported stolen in transit', story: 'stolen wine case tag' },
  { asset: 4, status: 'active', story: 'controller genuine tag' },
  { asset: 5, status: 'active', story: 'saffron genuine tag' },
  { asset: 0, status: 'unassigned', story: 'spare tag ready to apply' },
  { asset: 0, status: 'unassigned', story: 'spare tag ready to apply' },
];

export const DEMO_USERS: Record<Role, string> = {
  admin: 'Morgan Ellis',
  operator: 'Dana Whitfield',
  viewer: 'Priya Raman',
};
