/**
 * The start every run shares — config → ready → seed — done once per run however many shards
 * run its suites (`tollgate run` in one process; `tollgate prepare` before the shards). Returns
 * the plan the suites follow.
 */
import { describeSelection } from '../gate/changes.ts';
import { focusNote } from '../gate/focus.ts';
import type { Manifest } from '../seed/manifest.ts';
import type { RunConfig } from './config.ts';
import { PLAN_VERSION, type RunPlan } from './plan.ts';
import { readyStep } from './ready.ts';
import { projectsFor } from './rules.ts';
import { seedStep } from './seed.ts';
import type { Session } from './session.ts';

export async function startRun(
  s: Session,
  config: RunConfig,
  o: { seed?: number; owner: 'process' | 'pipeline'; started: Date },
): Promise<{ plan: RunPlan; manifest?: Manifest }> {
  const { environment, target, suites, runId, selection } = config;
  s.step(
    'config',
    'ok',
    Date.now() - o.started.getTime(),
    `${environment.description}${environment.readOnly ? ' (READ_ONLY)' : ''}: ${target.webURL}`,
  );
  if (selection) {
    // Said on screen and in the report: a differential PROMOTE must show what it did not test.
    const line = describeSelection(selection, suites);
    s.print(`  ${line}`);
    s.notes.push(line);
  }
  if (config.grep) {
    // A focused run is a developer's or a reviewer's tool: said everywhere, and never promotion evidence.
    const line = focusNote(config.grep);
    s.print(`  ${line}`);
    s.notes.push(line);
  }
  const ready = await readyStep(s, config);
  const { build, notReady } = ready;
  const skip = notReady
    ? 'the environment is not ready'
    : ready.untestable
      ? 'the ready step failed'
      : s.interrupted
        ? 'interrupted'
        : undefined;
  const seeded = await seedStep(s, config, { seed: o.seed, owner: o.owner, skip });
  const { manifest } = seeded;
  const untestable = ready.untestable ?? seeded.untestable;

  const testable = !notReady && !untestable && !s.interrupted;
  const projects = testable ? projectsFor(suites, selection) : [];
  const plan: RunPlan = {
    version: PLAN_VERSION,
    runId,
    environment: environment.name,
    build,
    ...(config.build ? { expectedBuild: config.build } : {}),
    suites,
    ...(manifest ? { seed: manifest.seed } : o.seed !== undefined ? { seed: o.seed } : {}),
    seeded: !!manifest,
    projects,
    skippedSpecs: projects.includes('regression') ? (selection?.skipped ?? []) : [],
    ...(config.grep ? { grep: config.grep } : {}),
    startedAt: o.started.toISOString(),
    steps: [...s.steps],
    notes: [...s.notes],
    ...(notReady ? { notReady } : {}),
    ...(untestable ? { untestable } : {}),
    ...(s.interrupted ? { interrupted: s.interrupted } : {}),
  };
  return { plan, ...(manifest ? { manifest } : {}) };
}
