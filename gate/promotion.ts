/**
 * May this build enter that environment? A pure decision over the build's runs in the
 * environment before it in the promotion order: the newest PROMOTE (or WARN, when the
 * target accepts it) within the target's maximum age is the evidence, and a later BLOCK
 * there takes it back. A later INCONCLUSIVE does not: it says the environment could not be
 * tested, nothing about the build.
 */
import { isFocused } from './focus.ts';
import type { Approval, HistoryRun, Policy, Reason, Verdict } from './types.ts';

export interface PromotionInput {
  build: string;
  to: string;
  /** The environment before `to`; undefined when `to` is first in the promotion order. */
  from: string | undefined;
  /** The build's runs in `from` (others are ignored), in any order; a focused run (--grep, see its reasons) is no evidence. */
  runs: (HistoryRun & { reasons?: Reason[] })[];
  /** The target's policy. */
  policy: Pick<Policy, 'acceptWarn' | 'promotionMaxAgeDays'>;
  now: Date;
  /** When `to` requires a person's approval (REQUIRES_APPROVAL): the approvals recorded for this build into it. */
  approval?: { required: boolean; approvals: Approval[] };
}

export interface PromotionDecision {
  allowed: boolean;
  /** The run whose verdict allows (or, when a later BLOCK denies, would have allowed) it. */
  evidence?: HistoryRun;
  /** Why, in sentences a release manager can act on; the first is the deciding one. */
  reasons: string[];
}

const DAY_MS = 86_400_000;

/** `2026-11-20 07:15 UTC` */
export function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

function age(iso: string, now: Date): string {
  const days = (now.getTime() - Date.parse(iso)) / DAY_MS;
  if (days < 1 / 24) return 'less than an hour ago';
  if (days < 1) return `${Math.floor(days * 24)} h ago`;
  return `${Math.floor(days)} day${Math.floor(days) === 1 ? '' : 's'} ago`;
}

const describe = (r: HistoryRun, now: Date) => `${r.runId}, ${when(r.startedAt)}, ${age(r.startedAt, now)}`;

export function decidePromotion(input: PromotionInput): PromotionDecision {
  const decision = decideOnEvidence(input);
  const { build, to, approval } = input;
  if (!decision.allowed || !approval?.required) return decision;
  const given = approval.approvals.find((a) => a.build === build && a.environment === to);
  if (!given) {
    return {
      ...decision,
      allowed: false,
      reasons: [
        `${to} requires a person's approval (REQUIRES_APPROVAL) and none is recorded for build ${build}: \`tollgate approve --build ${build} --to ${to} --approver <name>\`.`,
        ...decision.reasons,
      ],
    };
  }
  return {
    ...decision,
    reasons: [...decision.reasons, `approved by ${given.approver} at ${when(given.at)}${given.note ? ` (${given.note})` : ''}.`],
  };
}

function decideOnEvidence({ build, to, from, runs, policy, now }: PromotionInput): PromotionDecision {
  if (!from) {
    return {
      allowed: false,
      reasons: [`${to} is the first environment in the promotion order: builds enter it by deployment, not by promotion.`],
    };
  }
  const mine = runs
    .filter((r) => r.build === build && r.environment === from)
    .sort((a, b) => Date.parse(b.startedAt) - Date.parse(a.startedAt) || (a.runId < b.runId ? 1 : -1));
  if (!mine.length) {
    return {
      allowed: false,
      reasons: [`build ${build} has never been run in ${from}; run \`tollgate run --env ${from} --build ${build}\` first.`],
    };
  }
  const accepted: Verdict[] = policy.acceptWarn ? ['PROMOTE', 'WARN'] : ['PROMOTE'];
  const acceptedText = accepted.join(' or ');
  const oldest = now.getTime() - policy.promotionMaxAgeDays * DAY_MS;
  const qualifying = mine.filter((r) => accepted.includes(r.verdict) && !isFocused(r));
  const focused = mine.find((r) => accepted.includes(r.verdict) && isFocused(r));
  const evidence = qualifying.find((r) => Date.parse(r.startedAt) >= oldest);
  const last = mine[0]!;

  if (!evidence) {
    const reasons = [
      `build ${build} has no ${acceptedText} in ${from} within the last ${policy.promotionMaxAgeDays} days (PROMOTION_MAX_AGE_DAYS of ${to}).`,
    ];
    if (qualifying[0])
      reasons.push(`its last ${qualifying[0].verdict} there (${describe(qualifying[0], now)}) is too old: run ${from} again.`);
    if (last !== qualifying[0]) reasons.push(`its last run there (${describe(last, now)}) was ${last.verdict}.`);
    if (!policy.acceptWarn && mine.some((r) => r.verdict === 'WARN' && Date.parse(r.startedAt) >= oldest)) {
      reasons.push(`${to} does not accept WARN evidence (ACCEPT_WARN=false).`);
    }
    if (focused && Date.parse(focused.startedAt) >= oldest)
      reasons.push(`its ${focused.verdict} there (${describe(focused, now)}) was a focused run (--grep): only a full run is evidence.`);
    return { allowed: false, reasons };
  }

  const later = mine.filter(
    (r) => Date.parse(r.startedAt) > Date.parse(evidence.startedAt) || (r.startedAt === evidence.startedAt && r.runId > evidence.runId),
  );
  const block = later.find((r) => r.verdict === 'BLOCK');
  if (block) {
    return {
      allowed: false,
      evidence,
      reasons: [
        `build ${build} was BLOCKed in ${from} (${describe(block, now)}) after its ${evidence.verdict} there (${describe(evidence, now)}).`,
        `fix the failures of ${block.runId} and run ${from} again.`,
      ],
    };
  }
  const reasons = [
    `build ${build} got ${evidence.verdict} in ${from} (${describe(evidence, now)}); ${to} accepts ${acceptedText} up to ${policy.promotionMaxAgeDays} days old.`,
  ];
  const inconclusive = later.find((r) => r.verdict === 'INCONCLUSIVE');
  if (inconclusive)
    reasons.push(
      `a later run there (${describe(inconclusive, now)}) was INCONCLUSIVE: the environment could not be tested, so it does not count against the build.`,
    );
  return { allowed: true, evidence, reasons };
}
