/**
 * The post-deploy gate workflow's shell, kept here so the tests exercise it (no logic in YAML):
 *   record -- <command…>  run the gate, write its exit code to $GITHUB_OUTPUT (`exit-code=N`), exit 0
 *                         so the publishing steps run whatever the verdict was
 *   summary [file]        append the promotion report's summary.md to $GITHUB_STEP_SUMMARY
 *                         (or a line saying why there is none)
 *   exit                  end the job with the recorded code ($GATE_EXIT_CODE): 0 PROMOTE/WARN,
 *                         1 BLOCK, 2 INCONCLUSIVE, 64/78 bad usage/configuration
 *   require-env NAME…     fail with one line per missing variable (an unset secret is empty)
 *   matrix N              write `shards=[1,…,N]` to $GITHUB_OUTPUT: the shard jobs' matrix
 *                         (N from 1 to MAX_SHARDS)
 * Run with `npx tsx scripts/ci/gate-step.ts <command>`.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../config/paths.ts';

export const SUMMARY_FILE = join(REPO_ROOT, 'reports', 'latest', 'summary.md');

const MEANING: Record<number, string> = {
  0: 'PROMOTE or WARN',
  1: 'BLOCK',
  2: 'INCONCLUSIVE',
  64: 'bad usage',
  78: 'bad configuration',
};

/** What a gate exit code means, for the job log. */
export function meaning(code: number): string {
  return MEANING[code] ?? "an error (see the gate step's log)";
}

/** The exit code a finished child reports; a signal counts as 128 + its number, as a shell would. */
export function exitCodeOf(code: number | null, signal: NodeJS.Signals | null): number {
  if (code !== null) return code;
  return 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
}

/** Parses $GATE_EXIT_CODE; undefined when the gate step recorded none (it crashed or timed out). */
export function parseExitCode(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d{1,3}$/.test(value.trim())) return undefined;
  const code = Number(value.trim());
  return code <= 255 ? code : undefined;
}

/** The text appended to the job summary: the report's Markdown, or why there is none. */
export function summaryText(file: string, exitCode: number | undefined): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').replace(/\n*$/, '\n');
  const code = exitCode === undefined ? 'no exit code was recorded' : `exit code ${exitCode}, ${meaning(exitCode)}`;
  return `### Tollgate\n\nNo promotion report: the run stopped before publishing (${code}). See the gate step's log.\n`;
}

export const MAX_SHARDS = 8;

/** The shard matrix for `N` runners, or a message saying why N is not one. */
export function shardMatrix(value: string | undefined): number[] | string {
  const n = Number(value?.trim());
  if (!value?.trim() || !Number.isInteger(n) || n < 1 || n > MAX_SHARDS) {
    return `shards must be a whole number from 1 to ${MAX_SHARDS}, not "${value ?? ''}"`;
  }
  return Array.from({ length: n }, (_, i) => i + 1);
}

/** Names in `names` whose variable is unset or empty (GitHub passes an unset secret as ''). */
export function missingVariables(names: string[], env: NodeJS.ProcessEnv): string[] {
  return names.filter((n) => !env[n]?.trim());
}

function runChild(argv: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit' });
    child.on('error', (e) => {
      console.error(`::error title=Tollgate::could not start ${argv[0]}: ${e.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => resolve(exitCodeOf(code, signal)));
  });
}

function githubFile(name: 'GITHUB_OUTPUT' | 'GITHUB_STEP_SUMMARY', env: NodeJS.ProcessEnv): string {
  const file = env[name];
  if (!file) throw new Error(`${name} is not set: this command runs inside a GitHub Actions step.`);
  return file;
}

/** Runs one sub-command; returns the process exit code. */
export async function main(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [command, ...rest] = args;
  switch (command) {
    case 'record': {
      const argv = rest[0] === '--' ? rest.slice(1) : rest;
      if (!argv.length) return usage('record needs a command after --');
      const output = githubFile('GITHUB_OUTPUT', env);
      const code = await runChild(argv);
      appendFileSync(output, `exit-code=${code}\n`);
      console.log(`gate-step: the gate exited ${code} (${meaning(code)}); the job ends with it after publishing.`);
      return 0;
    }
    case 'summary': {
      appendFileSync(githubFile('GITHUB_STEP_SUMMARY', env), summaryText(rest[0] ?? SUMMARY_FILE, parseExitCode(env.GATE_EXIT_CODE)));
      return 0;
    }
    case 'exit': {
      const code = parseExitCode(env.GATE_EXIT_CODE);
      if (code === undefined) {
        console.error('::error title=Tollgate::the gate step recorded no exit code (it crashed, timed out or never ran); see its log.');
        return 1;
      }
      if (code !== 0) console.error(`::error title=Tollgate::the gate exited ${code}: ${meaning(code)}.`);
      return code;
    }
    case 'require-env': {
      if (!rest.length) return usage('require-env needs at least one variable name');
      const missing = missingVariables(rest, env);
      for (const name of missing) {
        console.error(
          `::error title=Tollgate::${name} is not set. Add it as a repository or environment secret (Settings → Secrets and variables → Actions).`,
        );
      }
      return missing.length ? 1 : 0;
    }
    case 'matrix': {
      const matrix = shardMatrix(rest[0]);
      if (typeof matrix === 'string') {
        console.error(`::error title=Tollgate::${matrix} (the workflow's shards input).`);
        return 64;
      }
      appendFileSync(githubFile('GITHUB_OUTPUT', env), `shards=${JSON.stringify(matrix)}\n`);
      console.log(`gate-step: ${matrix.length} shard(s): ${JSON.stringify(matrix)}`);
      return 0;
    }
    default:
      return usage(command === undefined ? 'no command given' : `unknown command "${command}"`);
  }
}

function usage(problem: string): number {
  console.error(`gate-step: ${problem}. Usage: gate-step.ts record -- <command…> | summary [file] | exit | require-env NAME… | matrix N`);
  return 64;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      console.error(`gate-step: ${e instanceof Error ? e.message : String(e)}`);
      process.exitCode = 1;
    },
  );
}
