/** `tollgate env up | list | extend | down | reap`: on-demand environments (envs/). Parsing and rendering only. */
import type { Command } from 'commander';
import { userInfo } from 'node:os';
import { duration, seconds } from '../../lib/text.ts';
import { SEED_PROFILES } from '../../stack/env-names.ts';
import { profileValue, ttlValue, wholeNumber } from './parse.ts';

const when = (d: Date) => d.toISOString().replace(/:\d\d\.\d+Z$/, 'Z');
/** `45m 0s`, `7h 59m`, `29d 23h`: how long until (or since) an expiry. */
const span = (ms: number) =>
  ms >= 2 * 86_400_000 ? `${Math.floor(ms / 86_400_000)}d ${Math.floor((ms % 86_400_000) / 3_600_000)}h` : duration(ms, 'short');
const expiresIn = (d: Date, now = Date.now()) => (d.getTime() <= now ? `expired ${span(now - d.getTime())} ago` : span(d.getTime() - now));

function defaultOwner(): string {
  try {
    return process.env.TOLLGATE_OWNER || userInfo().username;
  } catch {
    return 'unknown';
  }
}

export function registerEnv(program: Command): void {
  const cmd = program
    .command('env')
    .description(
      'on-demand environments on this host: the reference app at a git ref, with its own ports, database, secrets and random data',
    );

  cmd
    .command('up <name>')
    .description('create an environment: checkout, build, start, migrate, seed; prints its URLs and, once, its admin credentials')
    .option('--ref <git ref>', 'the commit it runs (its short sha is the build id)', 'HEAD')
    .option('--profile <name>', `seed profile: ${SEED_PROFILES.join(', ')}`, profileValue, 'regression')
    .option('--seed <n>', 'the seed of its random data (default: a random one, printed)', wholeNumber)
    .option('--ttl <duration>', 'how long it lives (45m, 8h, 2d; at most 30d)', ttlValue, 8 * 3_600_000)
    .option('--owner <id>', 'who owns it (a user or Slack id; default $TOLLGATE_OWNER or the login name)')
    .action(async (name: string, o: { ref: string; profile: string; seed?: number; ttl: number; owner?: string }) => {
      const { checkNewName, envUp } = await import('../../envs/lifecycle.ts');
      checkNewName(name);
      const owner = o.owner ?? defaultOwner();
      process.stdout.write(`env up ${name}: ref ${o.ref}, owner ${owner}, ${o.profile} data\n`);
      // Ctrl-C: finish the step under way, then remove what was made; a second one quits at once
      // (the environment is then `orphaned` in `env list` until `env reap` removes it).
      const abort = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        if (abort.signal.aborted) process.exit(130);
        process.stderr.write(
          `\ntollgate: env up ${name} interrupted (${signal}): finishing the current step, then removing what was made\n`,
        );
        abort.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      let r: Awaited<ReturnType<typeof envUp>>;
      try {
        r = await envUp(
          { name, ref: o.ref, profile: o.profile, seed: o.seed, ttlMs: o.ttl, owner },
          {
            signal: abort.signal,
            onStep: (step, ms, detail) =>
              process.stdout.write(`  ${step.padEnd(14)} ${seconds(ms).padStart(7)}${detail ? `  ${detail}` : ''}\n`),
          },
        );
      } catch (e) {
        if (!abort.signal.aborted) throw e;
        process.stderr.write(`tollgate: env up ${name} interrupted; nothing of it is left (processes, files, registry entry)\n`);
        process.exitCode = 130;
        return;
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
      const rec = r.record;
      process.stdout.write(
        [
          `environment ${name} ready in ${seconds(r.ms)}: build ${rec.build} (${rec.ref}), owner ${rec.owner}, expires ${when(rec.expiresAt)} (in ${expiresIn(rec.expiresAt)})`,
          `  web        ${r.urls.web}/`,
          `  api        ${r.urls.api}`,
          `  data       ${rec.profile} profile, seed ${rec.seed} (replay with --seed ${rec.seed}), ${r.rows.toLocaleString('en')} rows`,
          `  admin      ${r.admin.email}  password ${r.admin.password}  (shown this once; kept in ${rec.dir}/stack/secrets.json, mode 0600)`,
          `  gate it    npx tollgate run --env ${name}`,
          `  remove     npx tollgate env down ${name}   (or let it expire: npx tollgate env reap)`,
        ].join('\n') + '\n',
      );
    });

  cmd
    .command('list')
    .description('every environment: name, ref, build, owner, URL, state, expiry (and memory with --memory)')
    .option('--json', 'machine-readable output')
    .option('--memory', 'also measure the memory each ready one uses (PSS of its processes)')
    .action(async (o: { json?: boolean; memory?: boolean }) => {
      const { envList } = await import('../../envs/lifecycle.ts');
      const rows = await envList({ memory: o.memory });
      if (o.json) {
        process.stdout.write(
          JSON.stringify(
            rows.map(({ dir: _d, workerPid: _w, ...r }) => r),
            null,
            2,
          ) + '\n',
        );
        return;
      }
      if (!rows.length) {
        process.stdout.write('no on-demand environments (create one with `npx tollgate env up <name>`)\n');
        return;
      }
      const table = [
        ['NAME', 'REF', 'BUILD', 'OWNER', 'URL', 'STATE', 'EXPIRES IN', ...(o.memory ? ['MEMORY'] : [])],
        ...rows.map((r) => [
          r.name,
          r.ref,
          r.build,
          r.owner,
          r.webUrl ?? '-',
          r.status,
          expiresIn(r.expiresAt),
          ...(o.memory ? [r.memoryMiB !== undefined ? `${r.memoryMiB} MiB` : '-'] : []),
        ]),
      ];
      const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
      for (const row of table)
        process.stdout.write(
          row
            .map((c, i) => c.padEnd(widths[i]!))
            .join('  ')
            .trimEnd() + '\n',
        );
      for (const r of rows.filter((x) => x.why)) process.stdout.write(`${r.name}: ${r.status}: ${r.why}\n`);
    });

  cmd
    .command('extend <name>')
    .description('give an environment more time: --ttl is added to its expiry (to now, once expired)')
    .requiredOption('--ttl <duration>', 'how much longer (45m, 8h, 2d)', ttlValue)
    .action(async (name: string, o: { ttl: number }) => {
      const { envExtend } = await import('../../envs/lifecycle.ts');
      const r = await envExtend(name, o.ttl);
      process.stdout.write(`environment ${name} now expires ${when(r.expiresAt)} (in ${expiresIn(r.expiresAt)})\n`);
    });

  cmd
    .command('down <name>')
    .description('remove an environment: stops exactly its processes, deletes its data, source and registry entry')
    .action(async (name: string) => {
      const { envDown } = await import('../../envs/lifecycle.ts');
      const r = await envDown(name);
      for (const p of r.stopped) process.stdout.write(`  stopped ${p.role.padEnd(8)} pid ${p.pid}\n`);
      process.stdout.write(`environment ${name} removed (build ${r.record.build}, owner ${r.record.owner})\n`);
    });

  cmd
    .command('reap')
    .description('remove expired environments and orphans whose processes died; warn owners once, an hour before expiry (for cron)')
    .option('--dry-run', 'say what would be done, change nothing')
    .action(async (o: { dryRun?: boolean }) => {
      const { envReap } = await import('../../envs/lifecycle.ts');
      const { notifyOwner } = await import('../../envs/notify.ts');
      const r = await envReap({ dryRun: o.dryRun, notify: async (a) => void (await notifyOwner(a)) });
      const verb = o.dryRun ? 'would ' : '';
      for (const a of r.actions) {
        process.stdout.write(
          a.action === 'remove'
            ? `reap: ${verb}remove ${a.name} (owner ${a.record.owner}): ${a.why}\n`
            : `reap: ${verb}warn ${a.record.owner}: ${a.name} expires in ${duration(a.expiresInMs, 'short')}\n`,
        );
      }
      for (const d of r.strays) process.stdout.write(`reap: ${verb}remove directory ${d} (no environment of that name is registered)\n`);
      const removed = r.actions.filter((a) => a.action === 'remove').length;
      const warned = r.actions.length - removed;
      process.stdout.write(
        o.dryRun
          ? `reap: dry run, nothing changed: ${removed} to remove, ${warned} to warn, ${r.strays.length} stray directories\n`
          : `reap: ${removed} removed, ${warned} warned, ${r.strays.length} stray directories removed\n`,
      );
    });
}
