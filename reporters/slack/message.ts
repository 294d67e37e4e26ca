/**
 * The run's Slack message, as a pure function of the run record: a Block Kit summary for the
 * channel and, for bot-token delivery, a thread with the failure groups in detail. Every
 * limit Slack enforces is respected by construction; overflow becomes "…and N more groups"
 * (pointing at the promotion report, which has them all, when its URL is known).
 */
import type { FailureGroup, RunRecord, TriageCategory, Verdict } from '../../gate/types.ts';
import { duration, plural, shortBuild } from '../../lib/text.ts';
import {
  LIMITS,
  absoluteUrl,
  clipMrkdwn,
  clipPlain,
  codeSafe,
  enforceLimits,
  escapeMrkdwn,
  link,
  redactStrings,
  textLength,
} from './mrkdwn.ts';

/** Absolute URLs when known (e.g. CI artifact links); anything else is left out of the message. */
export interface SlackLinks {
  allureUrl?: string;
  reportUrl?: string;
  runUrl?: string;
}

export type Block = { type: string } & Record<string, unknown>;
export interface SlackPart {
  /** Notification fallback (push notifications, screen readers). */
  text: string;
  blocks: Block[];
}
export interface SlackMessage extends SlackPart {
  /** Details posted as a reply to the message; only a bot token can thread. */
  thread?: SlackPart;
}

export type Notify = 'always' | 'not-promote' | 'never';

export function shouldPost(notify: Notify, verdict: Verdict): boolean {
  if (notify === 'always') return true;
  if (notify === 'never') return false;
  return verdict !== 'PROMOTE';
}

export interface BuildOptions {
  /** Failure groups shown in the channel message (default 10); the thread shows as many as fit. */
  topGroups?: number;
}

const EMOJI: Record<Verdict, string> = { PROMOTE: '🟢', WARN: '🟡', BLOCK: '🔴', INCONCLUSIVE: '⚪' };

/** The order a reader should see groups in: what blocks a release first, noise last. */
const CATEGORY_RANK: Record<TriageCategory, number> = {
  deployment: 0,
  environment: 1,
  infrastructure: 2,
  product: 3,
  'test-data': 4,
  automation: 5,
  flaky: 6,
  'known-issue': 7,
};

export function rankGroups(groups: FailureGroup[]): FailureGroup[] {
  const novelty = (g: FailureGroup) => (g.novelty === 'new' ? 0 : 1);
  return [...groups].sort((a, b) => CATEGORY_RANK[a.category] - CATEGORY_RANK[b.category] || novelty(a) - novelty(b) || b.count - a.count);
}

export const formatDuration = (ms: number): string => duration(ms, 'short');

/** The test's own title (the last segment of `<project> › <file> › <title path>`). */
const testTitle = (testId: string) => testId.split(' › ').at(-1) ?? testId;

/** Allure 3's report reads its search box from `?query=`: the closest thing to a per-test link it offers. */
function allureTestUrl(allureUrl: string, title: string): string {
  const url = new URL(allureUrl);
  url.searchParams.set('query', title);
  return url.href.replace(/\|/g, '%7C');
}

function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: clipMrkdwn(text, LIMITS.sectionText) } };
}

const moreGroups = (n: number, reportUrl?: string) =>
  section(`…and ${plural(n, 'more group')}${reportUrl ? ` (all of them are in the ${link(reportUrl, 'promotion report')})` : ''}`);

interface Ctx {
  /** Untrusted text, redacted before escaping (a secret containing & or < is still found). */
  t: (raw: string) => string;
  redact: (raw: string) => string;
  allure?: string;
  report?: string;
}

function groupStatus(g: FailureGroup, ctx: Ctx): string {
  if (g.category === 'flaky') return 'flaky';
  if (g.novelty === 'new') return '*new*';
  if (g.novelty === 'recurring') return `recurring since build ${ctx.t(shortBuild(g.firstSeen.build))}`;
  return '';
}

function ownerText(g: FailureGroup, ctx: Ctx): string {
  // The owner map gives a real mention (`<!subteam^S123>`, `<@U123>`) or plain text: pass it
  // through unescaped, since escaping would turn a notifying mention into inert text.
  if (g.owner?.slack) return g.owner.slack;
  return g.owner ? `owner: ${ctx.t(g.owner.team)}` : '';
}

/** Test names (linked to the Allure report when it has an absolute URL), as many as fit in `budget` characters. */
function testLinks(g: FailureGroup, ctx: Ctx, max: number, budget: number): string {
  const parts: string[] = [];
  let used = 0;
  for (const id of g.tests.slice(0, max)) {
    const title = ctx.redact(clipPlain(testTitle(id), 80));
    // The search needs the real title, not a clipped one ending in "…".
    const part = ctx.allure ? link(allureTestUrl(ctx.allure, ctx.redact(testTitle(id).slice(0, 200))), title) : escapeMrkdwn(title);
    if (used + part.length + 3 > budget - 20) break;
    parts.push(part);
    used += part.length + 3;
  }
  const more = g.tests.length - parts.length;
  return parts.join(' · ') + (more > 0 ? `${parts.length ? ' ' : ''}…and ${plural(more, parts.length ? 'more test' : 'test')}` : '');
}

function groupBlock(g: FailureGroup, ctx: Ctx, detail: 'summary' | 'full'): Block {
  const full = detail === 'full';
  const head = [`*${g.category}*`, plural(g.count, 'test'), groupStatus(g, ctx), ownerText(g, ctx)].filter(Boolean).join(' · ');
  // Budgets are in escaped characters: escaping can triple a text, so raw lengths mean little.
  const signature = `\`${clipMrkdwn(codeSafe(ctx.t(g.signature)), full ? 400 : 250)}\``;
  const example = g.example.trim() ? `\`\`\`${clipMrkdwn(codeSafe(ctx.t(g.example.trim())), full ? 800 : 400)}\`\`\`` : '';
  const seen = full
    ? `first seen: build ${ctx.t(shortBuild(g.firstSeen.build))}, run ${ctx.t(g.firstSeen.runId)}, ${ctx.t(g.firstSeen.at)}`
    : '';
  const lines = [clipMrkdwn(head, 500), signature, example, clipMrkdwn(seen, 300)].filter(Boolean);
  const used = lines.join('\n').length;
  const tests = testLinks(g, ctx, full ? 10 : 3, Math.min(full ? 1200 : 600, LIMITS.sectionText - used - 1));
  return section([...lines, tests].filter(Boolean).join('\n'));
}

function linksBlock(links: SlackLinks, record: RunRecord): Block | undefined {
  const items: [string | undefined, string][] = [
    [absoluteUrl(links.allureUrl), 'Allure report'],
    [absoluteUrl(links.reportUrl), 'Promotion report'],
    [absoluteUrl(links.runUrl ?? record.ci?.runUrl), 'CI run'],
  ];
  const parts = items.filter((i): i is [string, string] => i[0] !== undefined).map(([url, label]) => link(url, label));
  return parts.length ? { type: 'context', elements: [{ type: 'mrkdwn', text: parts.join(' · ') }] } : undefined;
}

/**
 * As many groups as fit in `room` blocks, `limit` groups and `budget` characters of text, then
 * an "…and N more groups" section for the rest (its block and text are reserved up front).
 */
function groupBlocks(
  groups: FailureGroup[],
  room: number,
  limit: number,
  budget: number,
  render: (g: FailureGroup) => Block,
  reportUrl?: string,
): Block[] {
  const blocks: Block[] = [];
  let used = 0;
  for (const [i, g] of groups.entries()) {
    const last = i === groups.length - 1;
    const block = render(g);
    const size = textLength(block);
    if (i >= limit || blocks.length + 1 + (last ? 0 : 1) > room || used + size + (last ? 0 : 80 + (reportUrl?.length ?? 0)) > budget) break;
    blocks.push(block);
    used += size;
  }
  if (blocks.length < groups.length) blocks.push(moreGroups(groups.length - blocks.length, reportUrl));
  return blocks;
}

export function buildSlackMessage(
  record: RunRecord,
  links: SlackLinks,
  redact: (text: string) => string,
  options: BuildOptions = {},
): SlackMessage {
  const ctx: Ctx = {
    t: (raw) => escapeMrkdwn(redact(raw)),
    redact,
    allure: absoluteUrl(links.allureUrl),
    report: absoluteUrl(links.reportUrl),
  };
  const { verdict, counts } = record;
  const title = `${EMOJI[verdict]} ${verdict} · ${record.environment} · build ${shortBuild(record.build)}`;
  const groups = rankGroups(record.triage.groups);

  const header: Block = { type: 'header', text: { type: 'plain_text', text: clipPlain(redact(title), LIMITS.headerText), emoji: true } };
  const summary: Block = {
    type: 'section',
    text: {
      type: 'mrkdwn',
      text: clipMrkdwn(
        `Run \`${codeSafe(ctx.t(record.runId))}\` · ${ctx.t(record.suites.join(', ') || 'no suites')} · ${plural(counts.total, 'test')}`,
        LIMITS.sectionText,
      ),
    },
    fields: [
      ['Passed', counts.passed],
      ['Failed', counts.failed],
      ['Flaky', counts.flaky],
      ['Skipped', counts.skipped],
      ['Quarantined', counts.quarantined],
      ['Duration', formatDuration(record.durationMs)],
    ].map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${value}` })),
  };
  const shownReasons = record.reasons.slice(0, 5);
  const reasonLines = shownReasons.map((r) => `• *${ctx.t(r.rule)}* (${r.verdict}): ${clipMrkdwn(ctx.t(r.message), 280)}`);
  if (record.reasons.length > shownReasons.length)
    reasonLines.push(`…and ${plural(record.reasons.length - shownReasons.length, 'more reason')}`);
  const reasons = reasonLines.length
    ? { type: 'section', text: { type: 'mrkdwn', text: clipMrkdwn(reasonLines.join('\n'), 1500) } }
    : undefined;
  const footer = linksBlock(links, record);

  const fixed = [header, summary, reasons].filter((b): b is Block => b !== undefined);
  const room = LIMITS.blocks - fixed.length - (footer ? 1 : 0) - 1; // the divider before the groups
  const budget = LIMITS.totalText - textLength([...fixed, footer]);
  const body = groups.length
    ? [{ type: 'divider' }, ...groupBlocks(groups, room, options.topGroups ?? 10, budget, (g) => groupBlock(g, ctx, 'summary'), ctx.report)]
    : [];

  // The fallback `text` is mrkdwn too, unlike the plain_text header.
  const line = `${EMOJI[verdict]} ${verdict} · ${ctx.t(record.environment)} · build ${ctx.t(shortBuild(record.build))}`;
  const failed = counts.failed ? `${counts.failed} failed, ` : '';
  const message: SlackMessage = {
    text: clipMrkdwn(`${line}: ${failed}${counts.passed} passed of ${counts.total}`, LIMITS.fallbackText),
    blocks: [...fixed, ...body, ...(footer ? [footer] : [])],
  };
  if (groups.length) {
    const intro = section(
      `*${plural(groups.length, 'failure group')}* in ${ctx.t(record.environment)}, build ${ctx.t(shortBuild(record.build))}`,
    );
    message.thread = {
      text: clipMrkdwn(`${plural(groups.length, 'failure group')} for ${line}`, LIMITS.fallbackText),
      blocks: [
        intro,
        ...groupBlocks(
          groups,
          LIMITS.blocks - 1,
          Infinity,
          LIMITS.totalText - textLength(intro),
          (g) => groupBlock(g, ctx, 'full'),
          ctx.report,
        ),
      ],
    };
  }
  return finalize(message, redact);
}

/** The redactor sees the final strings (its contract), then the limits are re-checked. */
function finalize(message: SlackMessage, redact: (text: string) => string): SlackMessage {
  const redacted = redactStrings(message, redact);
  const part = (p: SlackPart): SlackPart => ({ text: clipMrkdwn(p.text, LIMITS.fallbackText), blocks: enforceLimits(p.blocks) });
  return { ...part(redacted), ...(redacted.thread ? { thread: part(redacted.thread) } : {}) };
}

export interface EarlyBlockInput {
  environment: string;
  build: string;
  runId: string;
  /** Milliseconds into the run when the BLOCK became certain. */
  atMs: number;
  reason: { rule: string; message: string };
  /** The suites stop now (--fail-fast) rather than run on for the full evidence. */
  failFast: boolean;
}

/** The early warning: BLOCK is certain before the suites end. The full triage follows in the run's own message. */
export function buildEarlyBlockMessage(e: EarlyBlockInput, redact: (text: string) => string): SlackMessage {
  const t = (raw: string) => escapeMrkdwn(redact(raw));
  const title = `${EMOJI.BLOCK} BLOCK certain · ${e.environment} · build ${shortBuild(e.build)}`;
  const next = e.failFast ? 'The suites stop now (--fail-fast).' : 'The suites run on for the full evidence.';
  const body = `Run \`${codeSafe(t(e.runId))}\`, ${(e.atMs / 1000).toFixed(1)} s in: *${t(e.reason.rule)}*: ${clipMrkdwn(t(e.reason.message), 1200)}\n${next} The verdict and its triage follow when the run ends.`;
  return {
    text: clipPlain(redact(`${title}: ${e.reason.message}`), 300),
    blocks: enforceLimits([
      { type: 'header', text: { type: 'plain_text', text: clipPlain(redact(title), LIMITS.headerText), emoji: true } },
      { type: 'section', text: { type: 'mrkdwn', text: clipMrkdwn(body, LIMITS.sectionText) } },
    ]),
  };
}
