/** The `tollgate` command line: parses flags, wires commands, maps errors to exit codes. */
import { Command, CommanderError } from 'commander';
import { TollgateError } from '../config/errors.ts';

type Register = (program: Command) => void;

/**
 * Each command and the module that defines it, in the order help lists them. A command's module
 * is loaded only when it runs (or for help, or a name that is no command): `tollgate stack up`
 * never loads the results store, Allure or Slack's clients, which saves a tenth of a second on
 * every call.
 */
const COMMANDS: [name: string, load: () => Promise<Register>][] = [
  ['stack', async () => (await import('./commands/stack.ts')).registerStack],
  ['seed', async () => (await import('./commands/seed.ts')).registerSeed],
  ['run', async () => (await import('./commands/run.ts')).registerRun],
  ['prepare', async () => (await import('./commands/run.ts')).registerPrepare],
  ['merge', async () => (await import('./commands/run.ts')).registerMerge],
  ['history', async () => (await import('./commands/history.ts')).registerHistory],
  ['promote', async () => (await import('./commands/promote.ts')).registerPromote],
  ['approve', async () => (await import('./commands/promote.ts')).registerApprove],
  ['report', async () => (await import('./commands/report.ts')).registerReport],
  ['grid', async () => (await import('./commands/grid.ts')).registerGrid],
  ['browsers', async () => (await import('./commands/browsers.ts')).registerBrowsers],
  ['k8s', async () => (await import('./commands/k8s.ts')).registerK8s],
  ['env', async () => (await import('./commands/env.ts')).registerEnv],
  ['slack-app', async () => (await import('./commands/slack-app.ts')).registerSlackApp],
];

/** The program with the command `argv` names, or with every command (help, no command, an unknown one). */
export async function buildProgram(argv: string[] = []): Promise<Command> {
  const program = new Command('tollgate')
    .description('Tells, minutes after a deployment, whether the build works and may be promoted.')
    .showHelpAfterError('(run with --help for usage)')
    // Options after a subcommand belong to it (`seed clean --run X` is clean's --run).
    .enablePositionalOptions()
    .exitOverride();
  const named = COMMANDS.filter(([name]) => name === argv[2]);
  for (const [, load] of named.length ? named : COMMANDS) (await load())(program);
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
    await (await buildProgram(argv)).parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    return reportError(e);
  }
}
