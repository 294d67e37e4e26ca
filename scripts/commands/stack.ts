/** `tollgate stack up | down | status`: the local reference stack. Parsing and rendering only. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { down, status } from '../../stack/stack.ts';
import { up, type UpResult } from '../../stack/up.ts';
import { seconds } from '../../lib/text.ts';

function parsePortBase(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1024 || n > 65533) throw new InvalidArgumentError('expected an integer from 1024 to 65533.');
  return n;
}

export function renderUp(r: UpResult): string {
  const s = r.state;
  const verb = { started: 'started', redeployed: 'redeployed', unchanged: 'already up' }[r.action];
  const lines = [
    `stack ${verb} in ${seconds(r.ms)} (build ${s.build}, faults ${s.faults.length ? s.faults.join(',') : 'none'})`,
    `  web        ${s.urls.web}/`,
    `  api        ${s.urls.api}  (gunicorn on 127.0.0.1:${s.ports.api})`,
    `  readiness  ${s.urls.readyz}  ${r.ready.ok ? 'ready' : 'NOT READY'}: ${r.ready.detail}`,
    `  database   postgresql://${new URL(s.databaseUrl).username}@127.0.0.1:${s.ports.db}/${new URL(s.databaseUrl).pathname.slice(1)}  (password in ${r.stackDir}/state.json)`,
    `  admin      ${s.adminEmail}  (password from ${r.adminPasswordSource})`,
    ...(s.pgdata && !s.pgdata.startsWith(r.stackDir + '/')
      ? [`  cluster    ${s.pgdata}  (outside the stack directory, which postgres cannot reach; stack down --purge removes it)`]
      : []),
    `  stop with  npx tollgate stack down`,
    ...r.warnings.map((w) => `warning: ${w}`),
  ];
  return lines.join('\n') + '\n';
}

export function registerStack(program: Command): void {
  const stack = program
    .command('stack')
    .description('run the reference product locally (PostgreSQL, API under gunicorn, web behind nginx)');

  stack
    .command('up')
    .description('start the stack, or redeploy it with another build or faults (keeps the database)')
    .option('--build <id>', 'build id the deployment reports (default: $BUILD_ID or "local")')
    .option('--faults <names>', 'comma-separated fault switches from reference-app/FAULTS.md', (v: string) => v.split(','), [])
    .option('--port-base <n>', 'web on N, API on N+1, PostgreSQL on N+2 (default 18080)', parsePortBase)
    .option('--quiet', 'print only the summary')
    .action(async (opts: { build?: string; faults: string[]; portBase?: number; quiet?: boolean }) => {
      const onStep = opts.quiet
        ? undefined
        : (name: string, ms: number, detail?: string) =>
            process.stdout.write(`  ${name.padEnd(14)} ${seconds(ms).padStart(7)}${detail ? `  ${detail}` : ''}\n`);
      const result = await up({ build: opts.build, faults: opts.faults, portBase: opts.portBase, onStep });
      process.stdout.write(renderUp(result));
    });

  stack
    .command('down')
    .description('stop exactly the processes the stack started (by PID)')
    .option('--purge', 'also delete the stack directory (database, logs, secrets)')
    .action(async (opts: { purge?: boolean }) => {
      const r = await down({ purge: opts.purge });
      if (!r.stopped.length) process.stdout.write(`no running stack recorded in ${r.stackDir}\n`);
      for (const p of r.stopped) process.stdout.write(`  stopped ${p.role.padEnd(8)} pid ${p.pid}\n`);
      if (r.purged) process.stdout.write(`  removed ${r.stackDir}\n`);
      if (r.privateHome) process.stdout.write(`  removed ${r.privateHome} (its database cluster and web root)\n`);
      if (!r.portsFree) {
        process.stderr.write('tollgate: the stack stopped, but one of its ports is still taken by another process\n');
        process.exitCode = 1;
      }
    });

  stack
    .command('status')
    .description('what runs and whether it is healthy (exit 0 healthy, 1 unhealthy, 3 not running)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const r = await status();
      if (opts.json) {
        const { state, ...rest } = r;
        const safe = state && { ...state, databaseUrl: undefined };
        process.stdout.write(JSON.stringify({ ...rest, state: safe }, null, 2) + '\n');
      } else if (!r.state) {
        process.stdout.write(`not running (no stack recorded in ${r.stackDir})\n`);
      } else {
        process.stdout.write(
          `${r.healthy ? 'healthy' : r.running ? 'UNHEALTHY' : 'stopped'}: build ${r.state.build}, faults ${r.state.faults.join(',') || 'none'}\n`,
        );
        for (const p of r.processes)
          process.stdout.write(`  ${p.role.padEnd(9)} pid ${String(p.pid).padEnd(8)} ${p.alive ? 'running' : 'not running'}\n`);
        for (const c of r.checks) process.stdout.write(`  ${c.name.padEnd(9)} ${c.url}  ${c.status}\n`);
      }
      process.exitCode = r.healthy ? 0 : r.running ? 1 : 3;
    });
}
