/**
 * The early verdict: while the suites run, each test's final result arrives in the events file
 * (reporters/results.reporter.ts appends one JSON line per test, its retries done). Each batch is
 * triaged against the history exactly as at the end, and the moment the gate's own policy says
 * BLOCK is certain (gate/policy.ts `certainBlock`), the run says so once: a console line, a note
 * in the reports and, where Slack is configured, an early warning. With --fail-fast the suites
 * are then stopped the way Ctrl-C stops Playwright (it ends its tests and writes its reports);
 * cleanup, triage, record and publish follow as usual, and the report names what did not run.
 *
 * Failures that triage calls environment or infrastructure never make a BLOCK certain: a run
 * that ends INCONCLUSIVE announces nothing early.
 */
import { closeSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { certainBlock } from '../gate/policy.ts';
import { quarantineIndex } from '../gate/quarantine.ts';
import type { Reason, TestResult } from '../gate/types.ts';
import { plural, seconds } from '../lib/text.ts';
import { buildEarlyBlockMessage, postToSlack, saveSlackPayload, shouldPost } from '../reporters/slack.ts';
import type { GateConfig } from './config.ts';
import { countedResults, triageRun } from './decide.ts';
import type { History } from './history.ts';
import type { RunPlan } from './plan.ts';
import type { Session } from './session.ts';

export interface EarlyBlock {
  /** Milliseconds from the start of the run. */
  atMs: number;
  reason: Reason;
}

export interface EarlyOutcome {
  block?: EarlyBlock;
  /** --fail-fast stopped the suites. */
  stopped: boolean;
  /** Ids of the tests whose final result arrived while the suites ran. */
  ended: Set<string>;
}

export interface EarlyWatch {
  /** Stop watching (after Playwright has exited); any Slack warning still under way is awaited. */
  stop(): Promise<EarlyOutcome>;
}

export interface WatchOptions {
  s: Session;
  config: Pick<GateConfig, 'environment' | 'owners' | 'quarantine'>;
  plan: Pick<RunPlan, 'runId' | 'build'>;
  history: Promise<History>;
  eventsFile: string;
  reportDir: string;
  /** When the run started (ms since the epoch): the announcement says how far in it came. */
  t0: number;
  failFast: boolean;
  /** How often the events file is read; default 200 ms. */
  pollMs?: number;
}

export function watchEarly(o: WatchOptions): EarlyWatch {
  const { s } = o;
  const results: TestResult[] = [];
  const ended = new Set<string>();
  const quarantine = quarantineIndex(o.config.quarantine, new Date());
  let offset = 0;
  let partial = '';
  let block: EarlyBlock | undefined;
  let stopped = false;
  let slack: Promise<unknown> = Promise.resolve();
  let checking: Promise<void> = Promise.resolve();

  /** The complete lines appended since the last read. */
  const readNew = (): TestResult[] => {
    let size: number;
    try {
      size = statSync(o.eventsFile).size;
    } catch {
      return [];
    }
    if (size <= offset) return [];
    const fd = openSync(o.eventsFile, 'r');
    try {
      const buf = Buffer.alloc(size - offset);
      const n = readSync(fd, buf, 0, buf.length, offset);
      offset += n;
      const lines = (partial + buf.subarray(0, n).toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      return lines.filter(Boolean).flatMap((l) => {
        try {
          return [JSON.parse(l) as TestResult];
        } catch {
          return [];
        }
      });
    } finally {
      closeSync(fd);
    }
  };

  const check = async (fresh: TestResult[]) => {
    for (const r of fresh) ended.add(r.id);
    results.push(...fresh);
    if (block) return;
    const history = await o.history;
    const counted = countedResults(results);
    const reason = certainBlock({
      results,
      triage: triageRun(o.config, o.plan, counted, history, quarantine),
      policy: o.config.environment.policy,
      quarantine,
    });
    if (!reason) return;
    block = { atMs: Date.now() - o.t0, reason };
    announce(block);
  };

  const announce = (b: EarlyBlock) => {
    s.print(`  BLOCK certain at ${seconds(b.atMs)}: [${b.reason.rule}] ${b.reason.message}`);
    s.notes.push(
      `BLOCK was certain ${seconds(b.atMs)} into the run ([${b.reason.rule}] ${b.reason.message.replace(/\.$/, '')})${o.failFast ? '' : '; the suites ran on for the full evidence'}.`,
    );
    if (o.failFast && s.child && !s.interrupted) {
      stopped = true;
      s.print('  --fail-fast: stopping the suites now; cleanup, triage, record and publish follow');
      s.stopSuites();
    }
    slack = earlySlack(o, b).catch(
      (e: unknown) => void s.notes.push(`The early BLOCK warning was not posted to Slack: ${(e as Error).message}.`),
    );
  };

  const tick = () => {
    const fresh = readNew();
    if (fresh.length)
      checking = checking
        .then(() => check(fresh))
        .catch((e: unknown) => void s.notes.push(`Early verdict unavailable: ${(e as Error).message}.`));
  };
  const timer = setInterval(tick, o.pollMs ?? 200);
  timer.unref();

  return {
    async stop() {
      clearInterval(timer);
      // What ended last still counts as having run; it is not announced: the verdict itself is next.
      for (const r of readNew()) ended.add(r.id);
      await checking;
      await slack;
      rmSync(o.eventsFile, { force: true });
      return { ...(block ? { block } : {}), stopped, ended };
    },
  };
}

async function earlySlack(o: WatchOptions, b: EarlyBlock): Promise<void> {
  const { s } = o;
  const { slack } = o.config.environment;
  const message = buildEarlyBlockMessage(
    {
      environment: o.config.environment.name,
      build: o.plan.build,
      runId: o.plan.runId,
      atMs: b.atMs,
      reason: b.reason,
      failFast: o.failFast,
    },
    (x) => s.redactor.text(x),
  );
  saveSlackPayload(message, o.reportDir, 'slack-early.json');
  if (!shouldPost(slack.notify, 'BLOCK') || (!slack.webhookUrl && !slack.botToken)) return;
  const sent = await postToSlack(message, { ...slack }, { log: (l) => s.print(`    ${l}`) });
  if (!sent.delivered) s.notes.push(`The early BLOCK warning was not delivered to Slack (${sent.error}); the verdict stands.`);
}

/** The tests of the final results that never ended while the suites ran: what --fail-fast left undone. */
function notRun(results: TestResult[], ended: Set<string>): string[] {
  return results
    .filter((r) => r.suite !== 'setup' && (r.status === 'skipped' || r.status === 'interrupted') && !ended.has(r.id))
    .map((r) => r.id);
}

/** The note that says what a --fail-fast stop left out. */
export function failFastNote(early: EarlyOutcome, results: TestResult[]): string | undefined {
  if (!early.stopped || !early.block) return undefined;
  const missing = notRun(results, early.ended);
  const shown = missing.slice(0, 5).join('; ') + (missing.length > 5 ? `; …and ${missing.length - 5} more` : '');
  return `--fail-fast stopped the suites ${seconds(early.block.atMs)} into the run, once BLOCK was certain: ${
    missing.length ? `${plural(missing.length, 'test')} did not run (${shown})` : 'every test had already run'
  }. Run without --fail-fast for the full evidence.`;
}
