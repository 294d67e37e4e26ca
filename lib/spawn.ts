/**
 * Run a Node script (Playwright's CLI, Allure's, Tollgate's own) as a child process and collect
 * what it printed. Never throws for a failing child: the caller reads `code`.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface NodeRun {
  /** The exit code; 128 + n for a child killed by signal n; 127 when it could not start. */
  code: number;
  signal?: NodeJS.Signals;
  output: string;
}

export interface NodeRunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Each chunk of stdout and stderr as it arrives (e.g. to pass it through a redactor). */
  onOutput?: (chunk: string) => void;
  /** Told the child once started, e.g. to forward Ctrl-C to it. */
  onStart?: (child: ChildProcess) => void;
  /** Kill the child (SIGKILL) after this long. */
  timeoutMs?: number;
}

const SIGNALS: Partial<Record<NodeJS.Signals, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGTERM: 15,
  SIGABRT: 6,
  SIGBUS: 7,
};

export function runNode(args: string[], o: NodeRunOptions = {}): Promise<NodeRun> {
  return new Promise((resolve) => {
    const chunks: string[] = [];
    const child = spawn(process.execPath, args, { cwd: o.cwd, env: o.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    o.onStart?.(child);
    const timer = o.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), o.timeoutMs) : undefined;
    const take = (b: Buffer) => {
      const s = b.toString();
      chunks.push(s);
      o.onOutput?.(s);
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ code: 127, output: `${chunks.join('')}could not start ${args[0]}: ${e.message}\n` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 128 + (signal ? (SIGNALS[signal] ?? 1) : 1), ...(signal ? { signal } : {}), output: chunks.join('') });
    });
  });
}
