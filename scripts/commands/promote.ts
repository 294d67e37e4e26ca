/** `tollgate promote --build ID --to E`: may this build enter E? Decides, records the attempt, exits 0 or 1. */
import type { Command } from 'commander';
import { loadEnvironment, previousEnvironment, promotionOrder } from '../../config/environment.ts';
import { UsageError } from '../../config/errors.ts';
import { checkBuildId } from '../../config/ids.ts';
import { decidePromotion, when } from '../../gate/promotion.ts';
import { openStore } from '../../gate/store.ts';
import type { PromotionRecord } from '../../gate/types.ts';

/** Who promotes: --actor, else the CI actor, else the local user. */
export function actorFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const actor = (flag ?? (env.GITHUB_ACTOR || env.USER || env.LOGNAME || 'unknown')).trim();
  if (!actor || actor.length > 100 || /[\x00-\x1f\x7f]/.test(actor)) {
    throw new UsageError(`--actor must be a name of 1 to 100 printable characters, got "${actor.replace(/[\x00-\x1f\x7f]/g, '?')}".`, {
      hint: 'e.g. --actor alice',
    });
  }
  return actor;
}

export function registerPromote(program: Command): void {
  program
    .command('promote')
    .description('allow a build into an environment when it passed the one before it (exit 0 allowed, 1 denied)')
    .requiredOption('--build <id>', 'the build to promote (git sha, tag, CI build number)')
    .requiredOption('--to <name>', 'the environment it would enter')
    .option('--actor <name>', 'who promotes (default: $GITHUB_ACTOR, else $USER)')
    .action(async (o: { build: string; to: string; actor?: string }) => {
      const build = checkBuildId(o.build);
      const actor = actorFrom(o.actor);
      const target = loadEnvironment(o.to);
      const from = previousEnvironment(target.name);
      const store = await openStore({ url: target.resultsDatabaseUrl });
      try {
        const runs = from ? await store.runsForBuild(build, from) : [];
        const now = new Date();
        const approval = target.requiresApproval ? { required: true, approvals: await store.approvals(build, target.name) } : undefined;
        const decision = decidePromotion({
          build,
          to: target.name,
          from,
          runs,
          policy: target.policy,
          now,
          ...(approval ? { approval } : {}),
        });
        const record: PromotionRecord = {
          build,
          fromEnv: from ?? '',
          toEnv: target.name,
          allowed: decision.allowed,
          actor,
          at: now.toISOString(),
          ...(decision.evidence ? { evidenceRunId: decision.evidence.runId } : {}),
          reasons: decision.reasons,
        };
        const id = await store.recordPromotion(record);
        const path = from ? `${from} → ${target.name}` : `into ${target.name} (order: ${promotionOrder().join(' → ')})`;
        process.stdout.write(
          [
            `promote: ${decision.allowed ? 'ALLOWED' : 'DENIED'}  build ${build}  ${path}`,
            ...decision.reasons.map((r) => `  - ${r}`),
            `promote: recorded as promotion #${id} by ${actor} at ${when(record.at)}`,
          ].join('\n') + '\n',
        );
        process.exitCode = decision.allowed ? 0 : 1;
      } finally {
        await store.close();
      }
    });
}

export function registerApprove(program: Command): void {
  program
    .command('approve')
    .description('record a person’s approval that a build may enter an environment whose REQUIRES_APPROVAL is true (production)')
    .requiredOption('--build <id>', 'the build approved')
    .requiredOption('--to <name>', 'the environment it may enter')
    .option('--approver <name>', 'who approves (default: $GITHUB_ACTOR, else $USER)')
    .option('--note <text>', 'why, or where the approval was given (e.g. the change ticket)')
    .action(async (o: { build: string; to: string; approver?: string; note?: string }) => {
      const build = checkBuildId(o.build);
      const approver = actorFrom(o.approver);
      if (o.note !== undefined && (o.note.length > 500 || /[\x00-\x1f\x7f]/.test(o.note)))
        throw new UsageError('--note must be one line of at most 500 printable characters.', { hint: 'e.g. --note "CAB-1234"' });
      const target = loadEnvironment(o.to);
      const store = await openStore({ url: target.resultsDatabaseUrl });
      try {
        const at = new Date().toISOString();
        const id = await store.recordApproval({ build, environment: target.name, approver, ...(o.note ? { note: o.note } : {}), at });
        process.stdout.write(
          `approve: build ${build} into ${target.name} approved by ${approver} at ${when(at)} (approval #${id})` +
            (target.requiresApproval ? '\n' : `; note: ${target.name} does not require approvals (REQUIRES_APPROVAL is not true)\n`),
        );
      } finally {
        await store.close();
      }
    });
}
