/**
 * `tollgate k8s synth`: an on-demand environment as Kubernetes manifests (stack/k8s.ts), checked
 * against the Kubernetes API schema, written for `kubectl apply -f`. Nothing is applied here.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { randomBytes, randomInt } from 'node:crypto';
import { ConfigError } from '../../config/errors.ts';
import { SEED_PROFILES, checkEnvironmentName } from '../../stack/env-names.ts';
import { resolveRef } from '../../stack/source.ts';
import { profileValue, ttlValue, wholeNumber } from './parse.ts';

interface SynthFlags {
  owner: string;
  ttl: number;
  ref: string;
  profile: (typeof SEED_PROFILES)[number];
  seed?: number;
  registry: string;
  databaseUrlVar?: string;
  out: string;
}

export function registerK8s(program: Command): void {
  const k8s = program.command('k8s').description('on-demand environments on Kubernetes: manifests, checked offline');
  k8s
    .command('synth <name>')
    .description('write an environment (namespace tg-<name>) and the reaper as manifests for `kubectl apply -f`; nothing is applied')
    .requiredOption('--owner <id>', 'who owns it (e.g. a Slack user id): a label the reaper and the team read')
    .option('--ttl <duration>', 'how long it lives (45m, 8h, 2d)', ttlValue, 8 * 3_600_000)
    .option('--ref <git ref>', 'the commit whose images it runs; the build id is its short sha', 'HEAD')
    .option('--profile <name>', `seed profile: ${SEED_PROFILES.join(', ')}`, profileValue, 'regression')
    .option('--seed <n>', 'the seed of its random data (default: a random one, printed)', wholeNumber)
    .option('--registry <prefix>', 'where the images are: <prefix>/tagtrust-api:<build>, tagtrust-web, tollgate', 'localhost:5000')
    .option('--database-url-var <VAR>', 'an external database: the variable holding its URL (default: PostgreSQL in the namespace)')
    .option('--out <dir>', 'where to write the manifests', join('.tollgate', 'k8s'))
    .action(async (name: string, o: SynthFlags) => {
      checkEnvironmentName(name);
      // The Kubernetes models (and their schema validator) load only here: other commands start without them.
      const { asList, environmentManifests, reaperManifests, schemaProblems } = await import('../../stack/k8s.ts');
      const { build } = resolveRef(o.ref);
      let database: { url: string } | { password: string };
      if (o.databaseUrlVar) {
        const url = process.env[o.databaseUrlVar];
        if (!url)
          throw new ConfigError(`${o.databaseUrlVar} is not set: --database-url-var names the variable that holds the database URL.`, {
            hint: `Export ${o.databaseUrlVar}=postgresql://user:password@host:5432/db, or leave --database-url-var off for PostgreSQL in the namespace.`,
          });
        database = { url };
      } else database = { password: randomBytes(18).toString('base64url') };
      const seed = o.seed ?? randomInt(1, 2 ** 31 - 1);
      const expires = new Date(Date.now() + o.ttl);
      const image = (n: string) => `${o.registry.replace(/\/+$/, '')}/${n}:${build}`;
      const environment = environmentManifests({
        name,
        owner: o.owner,
        expires,
        ref: o.ref,
        build,
        images: { api: image('tagtrust-api'), web: image('tagtrust-web'), tollgate: image('tollgate') },
        seed: { profile: o.profile, seed },
        database,
      });
      const reaper = reaperManifests();
      const problems = schemaProblems([...environment, ...reaper]);
      if (problems.length) throw new Error(`the manifests do not match the Kubernetes API schema:\n${problems.join('\n')}`);
      const out = resolve(o.out);
      mkdirSync(out, { recursive: true, mode: 0o700 });
      // The environment's file holds its Secret: readable by its owner only, and git-ignored (.tollgate/).
      const envFile = join(out, `${name}.json`);
      writeFileSync(envFile, `${JSON.stringify(asList(environment), null, 2)}\n`, { mode: 0o600 });
      chmodSync(envFile, 0o600);
      const reaperFile = join(out, 'reaper.json');
      writeFileSync(reaperFile, `${JSON.stringify(asList(reaper), null, 2)}\n`);
      const shown = (f: string) => relative(process.cwd(), f) || f;
      process.stdout.write(
        [
          `k8s: environment ${name} → namespace tg-${name}: build ${build} (${o.ref}), owner ${o.owner}, expires ${expires.toISOString()}`,
          `  data: ${o.profile} profile, seed ${seed} (replay with --seed ${seed}); database ${'url' in database ? `external (${o.databaseUrlVar})` : 'PostgreSQL in the namespace'}`,
          `  ${environment.length} objects in ${shown(envFile)} (mode 0600: it holds the database Secret), ${reaper.length} in ${shown(reaperFile)}; all valid against the Kubernetes API schema`,
          `  apply with  kubectl apply -f ${shown(reaperFile)} && kubectl apply -f ${shown(envFile)}`,
        ].join('\n') + '\n',
      );
    });
}
