/**
 * The customer demo, rehearsed: the curated storyline (seed/demo-story.ts) walked as a sales
 * engineer walks it, one step and one full-page screenshot per demo step. Every step runs and
 * records its verdict even after an earlier one failed, so the demo-readiness summary lists
 * them all; the test fails if any did. It changes no data (sign-in and verify lookups aside,
 * which the product records by design), so it may run against staging at any time.
 */
import { expect, test } from '../../fixtures/index.ts';
import { dashboardAgainstApi, openAsset, openTag, signIn, verifyTag } from '../../fixtures/journeys/web.ts';
import type { Ui } from '../../fixtures/ui/ui.ts';
import { DEMO_ASSETS, DEMO_TAGS } from '../../seed/demo-story.ts';
import type { Manifest, ManifestUser } from '../../seed/manifest.ts';

/** The step titles, stable across runs so readiness summaries can be compared. */
const STEPS = {
  signIn: '1 Sign in as the demo operator',
  dashboard: '2 Show the dashboard',
  asset: '3 Find the flagship asset and open it',
  genuine: "4 Verify the flagship's genuine tag",
  revoked: "5 Show the flagship's revoked tag",
  audit: "6 Show the revoked tag's audit trail",
} as const;

interface Storyline {
  operator: ManifestUser;
  asset: { id: number; name: string };
  genuine: string;
  revoked: { code: string; reason: string };
}

/** This run's flagship story from the manifest; a string says why there is none. */
function storyline(m: Manifest): Storyline | string {
  if (!m.demo) {
    return `run ${m.runId} was seeded with the "${m.profile}" profile, which has no demo storyline: run with TOLLGATE_SEED_PROFILE=demo or --suite demo`;
  }
  // Manifest demo entries are DEMO_TAGS in order: find the flagship's tags by their role in the story.
  const flagship = DEMO_ASSETS.findIndex((a) => a.story === 'flagship');
  const genuine = DEMO_TAGS.findIndex((t) => t.asset === flagship && t.status === 'active');
  const revoked = DEMO_TAGS.findIndex((t) => t.asset === flagship && t.status === 'revoked');
  const g = m.demo[genuine];
  const r = m.demo[revoked];
  const operator = m.users.operator[0];
  if (!g?.code || !r?.code || g.assetId === undefined || !g.assetName || !operator) {
    throw new Error(
      `The demo manifest of run ${m.runId} lacks the flagship story (tags ${genuine} and ${revoked} of seed/demo-story.ts, or an operator): re-seed with the demo profile.`,
    );
  }
  return {
    operator,
    asset: { id: g.assetId, name: g.assetName },
    genuine: g.code,
    revoked: { code: r.code, reason: DEMO_TAGS[revoked]!.reason ?? '' },
  };
}

test.describe('customer demo', { tag: ['@demo', '@seeded'] }, () => {
  test('the demo storyline, step by step', async ({ ui, seeded, apiAs }) => {
    const story = storyline(seeded);
    test.skip(typeof story === 'string', typeof story === 'string' ? story : '');
    const s = story as Storyline;
    // Six steps, each bounded by the action and expect timeouts, must all get their turn.
    test.setTimeout(120_000);
    for (const title of Object.values(STEPS)) test.info().annotations.push({ type: 'demo-step', description: title });

    const failed: string[] = [];
    const step = (title: string, body: () => Promise<void>) => demoStep(ui, title, body).catch(() => void failed.push(title));

    await step(STEPS.signIn, () => signIn(ui, s.operator.email, s.operator.password));

    await step(STEPS.dashboard, async () => {
      // Judge the dashboard on its own even if the form sign-in failed: use the saved session.
      if (failed.includes(STEPS.signIn)) await ui.restoreSession('operator');
      const api = await apiAs('operator');
      const wrong = await dashboardAgainstApi(ui, () => ui.goto('/'), api.dashboardCounts);
      expect(wrong, `the dashboard disagrees with the API: ${wrong.join('; ')}`).toEqual([]);
    });

    await step(STEPS.asset, async () => {
      await openAsset(ui, s.asset.name);
      expect(await ui.path(), `the list opens this run's ${s.asset.name}`).toBe(`/assets/${s.asset.id}`);
      expect(await ui.count('link', s.genuine), `the asset page lists its genuine tag ${s.genuine}`).toBe(1);
    });

    await step(STEPS.genuine, async () => {
      expect(await verifyTag(ui, s.genuine), `the verify page calls ${s.genuine} genuine`).toBe('genuine');
      await ui.waitForText(s.asset.name);
    });

    await step(STEPS.revoked, async () => {
      expect(await verifyTag(ui, s.revoked.code), `the verify page calls ${s.revoked.code} revoked`).toBe('revoked');
      await ui.waitForText(s.revoked.reason);
    });

    await step(STEPS.audit, async () => {
      // The audit page lists events, none of them seeded; the tag's page is where its history shows.
      await ui.restoreSession('admin');
      expect(await openTag(ui, s.revoked.code), `the tag page shows ${s.revoked.code} as revoked`).toBe('revoked');
      await ui.waitForText(s.revoked.reason);
      expect(await ui.count('link', s.asset.name), `the link history of ${s.revoked.code} names ${s.asset.name}`).toBeGreaterThanOrEqual(1);
    });

    expect(failed, `${failed.length} of ${Object.keys(STEPS).length} demo steps failed`).toEqual([]);
  });
});

/** One demo step: a report step with a full-page screenshot of where it ended, pass or fail. */
async function demoStep(ui: Ui, title: string, body: () => Promise<void>): Promise<void> {
  await test.step(title, async () => {
    try {
      await body();
    } finally {
      // What the audience would have seen matters most when the step failed; a failed
      // screenshot must not hide the step's own error.
      await ui.screenshot(title).catch(() => undefined);
    }
  });
}
