/**
 * One phase's console and step log (a run, a prepare, a shard, a merge). Lines and step details
 * go through the redactor, which learns the seeded users' passwords once they exist.
 * SIGINT/SIGTERM stop the suites (and a readiness wait); the phase then still cleans up and
 * records the run as interrupted.
 */
import type { ChildProcess } from 'node:child_process';
import type { Environment } from '../config/environment.ts';
import type { Target } from '../config/target.ts';
import { collectSecrets, createRedactor, type Redactor } from '../gate/redact.ts';
import type { StepName, StepRecord } from '../gate/types.ts';
import { seconds } from '../lib/text.ts';

export class Session {
  readonly steps: StepRecord[] = [];
  readonly notes: string[] = [];
  readonly stopWaiting = new AbortController();
  interrupted: string | undefined;
  child: ChildProcess | undefined;
  redactor: Redactor;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    if (this.interrupted) return;
    this.interrupted = signal;
    this.stopWaiting.abort();
    this.print(`\ntollgate: ${signal} received: ${this.onInterrupt}`);
    this.stopSuites();
  };

  /**
   * Stop the suites: Playwright's own graceful stop (SIGINT: running tests end, reporters write).
   * A runner that has not exited `graceMs` later gets a second SIGINT, Playwright's immediate
   * stop, and `graceMs / 2` after that SIGKILL: a run never hangs on a runner that will not stop.
   */
  stopSuites(graceMs = 30_000): void {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const running = () => child.exitCode === null && child.signalCode === null;
    child.kill('SIGINT');
    setTimeout(() => {
      if (!running()) return;
      this.print(`  the suites did not stop within ${seconds(graceMs)}: stopping them at once`);
      child.kill('SIGINT');
      setTimeout(() => running() && child.kill('SIGKILL'), graceMs / 2).unref();
    }, graceMs).unref();
  }

  constructor(
    private readonly secrets: string[],
    private readonly out: ((line: string) => void) | undefined,
    private readonly onInterrupt: string,
  ) {
    this.redactor = createRedactor(secrets);
    process.on('SIGINT', this.onSignal);
    process.on('SIGTERM', this.onSignal);
  }

  /** Known from now on: redacted wherever they appear. */
  learn(secrets: string[]): void {
    this.redactor = createRedactor([...this.secrets, ...secrets]);
  }

  print(line: string): void {
    (this.out ?? ((l) => process.stdout.write(`${l}\n`)))(this.redactor.text(line));
  }

  step(name: StepName, status: StepRecord['status'], durationMs: number, detail: string): void {
    this.replay([{ name, status, durationMs, detail: this.redactor.text(detail) }]);
  }

  /** Steps done earlier (by `tollgate prepare`, on another machine): recorded and shown as they were. */
  replay(steps: StepRecord[]): void {
    for (const { name, status, durationMs, detail } of steps) {
      this.steps.push({ name, status, durationMs, detail });
      const mark = { ok: '✓', failed: '✗', skipped: '-' }[status];
      this.print(`  ${mark} ${name.padEnd(8)} ${seconds(durationMs).padStart(7)}  ${detail}`);
    }
  }

  close(): void {
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
  }
}

/** A session that redacts every secret the configuration, the process and the target know of. */
export function openSession(
  o: { processEnv: NodeJS.ProcessEnv; environment: Environment; target: Target; print?: (line: string) => void },
  onInterrupt: string,
): Session {
  const secrets = collectSecrets({ env: o.processEnv, environment: o.environment });
  if (o.target.stackAdmin) secrets.push(o.target.stackAdmin.password);
  return new Session(secrets, o.print, onInterrupt);
}
