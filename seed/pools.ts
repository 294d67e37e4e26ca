/**
 * Realistic values, drawn with faker once per run from the seed. Per-row generation only picks
 * from these pools, which keeps a million rows fast and the output reproducible.
 * Every value is made safe for COPY's text format here, once, not per row.
 */
import { Faker, base, en } from '@faker-js/faker';

export interface Pools {
  manufacturers: string[];
  manufacturerCodes: string[];
  products: string[];
  categories: string[];
  locations: string[];
  firstNames: string[];
  lastNames: string[];
  revocationReasons: string[];
  scanners: string[];
}

/** Tabs, newlines and backslashes would break COPY's text format; pools never contain them. */
export function copySafe(s: string): string {
  return s.replace(/[\t\n\r\\]/g, ' ').trim();
}

const unique = (make: () => string, n: number): string[] => {
  const out = new Set<string>();
  for (let tries = 0; out.size < n && tries < n * 20; tries++) out.add(copySafe(make()));
  return [...out];
};

export function buildPools(seed: number): Pools {
  const f = new Faker({ locale: [en, base] });
  f.seed(seed);
  const manufacturers = unique(() => f.company.name(), 60);
  return {
    manufacturers,
    manufacturerCodes: manufacturers.map((m) =>
      m
        .replace(/[^A-Za-z]/g, '')
        .slice(0, 3)
        .toUpperCase()
        .padEnd(3, 'X'),
    ),
    products: unique(() => `${f.commerce.productAdjective()} ${f.commerce.productMaterial()} ${f.commerce.product()}`, 400),
    categories: unique(() => f.commerce.department(), 20),
    locations: unique(() => `${f.location.city()}, ${f.location.countryCode()}`, 150),
    firstNames: unique(() => f.person.firstName(), 80),
    lastNames: unique(() => f.person.lastName(), 80),
    revocationReasons: [
      'Reported stolen in transit',
      'Label damaged during handling',
      'Counterfeit suspected after field inspection',
      'Asset decommissioned',
      'Duplicate print detected',
      'Customs seizure',
    ],
    scanners: [
      'TagTrust Scanner/3.2 (Android 14)',
      'TagTrust Scanner/3.2 (iOS 18.1)',
      'TagTrust Web/1.0',
      'Partner-Gateway/2.4',
      'TagTrust Handheld/5.0 (Zebra TC58)',
    ],
  };
}
