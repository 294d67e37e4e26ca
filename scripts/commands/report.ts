/** `tollgate report [--run ID | --latest] [--open] [--single-file]`: a run's Allure report, built offline. */
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UsageError } from '../../config/errors.ts';
import { checkRunId } from '../../config/ids.ts';
import { triageWithoutHistory } from '../../gate/triage-file.ts';
import { buildAllureReport, environmentOf, hasTriageLabels, latestRun, reportsRoot } from '../../reporters/allure-report.ts';
import { serveReport } from '../../reporters/allure-offline.ts';

const port = (value: string): number => {
  if (!/^\d+$/.test(value) || Number(value) > 65535)
    throw new InvalidArgumentError('--port must be an integer from 0 to 65535 (0: any free port).');
  return Number(value);
};

const shown = (path: string) => relative(process.cwd(), path) || path;

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("build a run's Allure report offline (reports/<run>/allure-report), with history across runs")
    .option('--run <id>', 'the run (default: the latest run with Allure results)')
    .option('--latest', 'the latest run with Allure results')
    .option('--env <name>', 'environment whose history the report joins (default: the one its results were written in)')
    .option('--single-file', 'also write reports/<run>/allure-report.html, one file to attach or mail')
    .option('--open', 'serve the report on 127.0.0.1 and print its URL, until Ctrl-C')
    .option('--port <n>', 'port for --open (default: any free port)', port, 0)
    .action(async (o: { run?: string; latest?: boolean; env?: string; singleFile?: boolean; open?: boolean; port: number }) => {
      if (o.run && o.latest)
        throw new UsageError('Give --run <id> or --latest, not both.', { hint: 'e.g. `tollgate report --run tg_20261122071500_k3m9qx`' });
      const runId = o.run ? checkRunId(o.run) : latestRun();
      if (!runId) {
        throw new UsageError(`No run under ${shown(reportsRoot())} has Allure results.`, {
          hint: 'Run the suites first: `tollgate run --env local` writes reports/<run>/allure-results.',
        });
      }
      const environment = o.env ?? environmentOf(runId) ?? 'local';
      // The run's own triage labels stay (tollgate run's, with history); a run nobody triaged is triaged now.
      const triage = hasTriageLabels(join(reportsRoot(), runId)) ? undefined : triageWithoutHistory(join(reportsRoot(), runId));
      const built = await buildAllureReport({ runId, environment, singleFile: o.singleFile, triage });
      process.stdout.write(`report: ${runId} (${environment}), ${built.results} results in ${(built.ms / 1000).toFixed(1)} s\n`);
      process.stdout.write(`report: ${shown(built.dir)}/index.html (serve it: \`tollgate report --run ${runId} --open\`)\n`);
      if (built.singleFile) process.stdout.write(`report: ${shown(built.singleFile)} (one file: open it directly, attach or mail it)\n`);
      if (!o.open) return;

      const served = await serveReport(built.dir, o.port).catch((e: NodeJS.ErrnoException) => {
        if (e.code === 'EADDRINUSE')
          throw new UsageError(`Port ${o.port} on 127.0.0.1 is in use.`, {
            hint: 'Pick another with --port, or leave it out for any free port.',
          });
        throw e;
      });
      process.stdout.write(`report: serving ${served.url} on 127.0.0.1 only; Ctrl-C stops it\n`);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void served.close().then(resolve);
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
}
