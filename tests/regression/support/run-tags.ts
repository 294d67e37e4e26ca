/**
 * This run's seeded tags as one exact, stable set: they share the prefix TT-<batch>-, which
 * no other run's codes start with, and no test creates or deletes tags in that batch. Smoke
 * tests do change some of their statuses, so only the total is exact; status counts are not.
 */
import type { Manifest } from '../../../seed/manifest.ts';

export interface RunTags {
  q: string;
  total: number;
}

export function runTags(seeded: Manifest): RunTags {
  if (seeded.batches.length !== 1) {
    throw new Error(
      `Run ${seeded.runId} seeded ${seeded.batches.length} code batches (${seeded.batches.join(', ')}); the exact-count tests expect one. Use a profile under 1,048,576 tags.`,
    );
  }
  return { q: `TT-${seeded.batches[0]}-`, total: seeded.counts.tags! };
}

/** Pages a list of `total` rows must have at `perPage` (the API's `pages`), and the size of the last. */
export function expectedPages(total: number, perPage: number): { pages: number; lastPageSize: number } {
  const pages = Math.ceil(total / perPage);
  return { pages, lastPageSize: pages === 0 ? 0 : total - perPage * (pages - 1) };
}
