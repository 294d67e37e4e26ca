/** The `tollgate` command line: parses flags, wires commands, maps errors to exit codes. */
import { Command, CommanderError } from 'commander';
import { TollgateError } from '../config/errors.ts';
import { registerBrowsers } from './commands/browsers.ts';
import { registerEnv } from './commands/env.ts';
import { registerGrid } from './commands/grid.ts';
import { registerHistory } from './commands/history.ts';
import { registerK8s } from './commands/k8s.ts';
import { registerApprove, registerPromote } from './commands/promote.ts';
import { registerReport } from './commands/report.ts';
import { registerMerge, registerPrepare, registerRun } from './commands/run.ts';
import { registerSeed } from './commands/seed.ts';
import { registerSlackApp } from './commands/slack-app.ts';
import { registerStack } from './commands/stack.ts';

export function buildProgram(): Command {
  const program = new Command('tollgate')
    .description('Tells, minutes after a deployment, whether the build works and may be promoted.')
    .showHelpAfterError('(run with --help for usage)')
    // Options after a subcommand belong to it (`seed clean --run X` is clean's --run).
    .enablePositionalOptions()
    .exitOverride();
  registerStack(program);
  registerSeed(program);
  registerRun(program);
  registerPrepare(program);
  registerMerge(program);
  registerHistory(program);
  registerPromote(program);
  registerApprove(program);
  registerReport(program);
  registerGrid(program);
  registerBrowsers(program);
  registerK8s(program);
  registerEnv(program);
  registerSlackApp(program);
  return program;
}

/** Print a user-facing error without a stack trace; return the exit code. */
export function reportError(e: unknown, write: (s: string) => void = (s) => process.stderr.write(s)): number {
  if (e instanceof CommanderError) {
    // Commander has already printed its message; help and --version are not errors.
    return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help' ? 0 : 64;
  }
  if (e instanceof TollgateError) {
    write(`tollgate: ${e.message}\n`);
    if (e.hint) write(`  fix: ${e.hint}\n`);
    return e.exitCode;
  }
  // Not the user's mistake: keep the stack so the bug can be found.
  write(`tollgate: internal error (a bug in Tollgate, please report it):\n${(e as Error)?.stack ?? String(e)}\n`);
  return 70;
}

export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return reportError(e);
  }
}
