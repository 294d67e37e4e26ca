/**
 * Self-service from Slack: the `/tollgate` slash command, built on Bolt's HTTP receiver (which
 * verifies Slack's request signature with the signing secret and refuses requests older than
 * five minutes). `env up <branch> [ttl]` is acknowledged at once and created in the background;
 * when ready, the channel is told (name, URL, expiry) and the credentials go to the requester
 * alone, as an ephemeral reply. Only users on the allow-list may create, extend or remove.
 */
import { ConfigError, TollgateError } from '../config/errors.ts';
import { parseAge } from '../seed/clean.ts';
import { duration } from '../lib/text.ts';
import { SEED_PROFILES } from '../stack/env-names.ts';
import { envDown, envExtend, envList, envUp, MAX_TTL_MS } from './lifecycle.ts';

export interface SlackAppSettings {
  /** Secret: verifies that requests come from Slack. */
  signingSecret: string;
  /** Secret: the bot's token, for its channel messages. */
  botToken: string;
  /** Slack user ids who may create, extend and remove environments. */
  allowed: Set<string>;
  /** Slack's Web API base (SLACK_API_URL; tests point it at a fake Slack). */
  apiUrl?: string;
  /** The profile and lifetime of environments created from Slack. */
  profile: string;
  ttlMs: number;
}

/** Settings from the process environment; every missing or bad value listed at once (exit 78). */
export function slackAppSettings(env: NodeJS.ProcessEnv = process.env): SlackAppSettings {
  const problems: string[] = [];
  if (!env.SLACK_SIGNING_SECRET) problems.push('SLACK_SIGNING_SECRET is not set (the app’s Basic Information page, "Signing Secret")');
  if (!env.SLACK_BOT_TOKEN) problems.push('SLACK_BOT_TOKEN is not set (OAuth & Permissions, "Bot User OAuth Token", xoxb-…)');
  const allowed = (env.TOLLGATE_SLACK_ALLOWED_USERS ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const badIds = allowed.filter((u) => !/^[UW][A-Z0-9]{2,}$/.test(u));
  if (badIds.length)
    problems.push(`TOLLGATE_SLACK_ALLOWED_USERS must list Slack user ids (U…), got ${badIds.map((u) => `"${u}"`).join(', ')}`);
  const ttl = env.TOLLGATE_SLACK_ENV_TTL || '8h';
  const ttlMs = parseAge(ttl);
  if (!ttlMs || ttlMs > MAX_TTL_MS) problems.push(`TOLLGATE_SLACK_ENV_TTL must be minutes, hours or days, at most 30d, got "${ttl}"`);
  const profile = env.TOLLGATE_SLACK_ENV_PROFILE || 'regression';
  if (!(SEED_PROFILES as readonly string[]).includes(profile))
    problems.push(`TOLLGATE_SLACK_ENV_PROFILE must be one of ${SEED_PROFILES.join(', ')}, got "${profile}"`);
  if (problems.length)
    throw new ConfigError(`The Slack app cannot start:\n  - ${problems.join('\n  - ')}`, {
      hint: 'Set them in the environment (.env.example documents each one).',
    });
  return {
    signingSecret: env.SLACK_SIGNING_SECRET!,
    botToken: env.SLACK_BOT_TOKEN!,
    allowed: new Set(allowed),
    ...(env.SLACK_API_URL ? { apiUrl: env.SLACK_API_URL } : {}),
    profile,
    ttlMs: ttlMs!,
  };
}

export type Command =
  | { verb: 'up'; branch: string; name: string; ttlMs?: number }
  | { verb: 'list' }
  | { verb: 'extend'; name: string; ttlMs: number }
  | { verb: 'down'; name: string }
  | { verb: 'help'; problem?: string };

/** A branch as an environment name: a DNS label of at most 50 characters (`feature/Login_fix` → `feature-login-fix`). */
export function envNameFor(branch: string): string {
  return (
    branch
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/-+/g, '-')
      .slice(0, 50)
      .replace(/^-+|-+$/g, '') || 'env'
  );
}

const USAGE =
  'Usage: `/tollgate env up <branch> [ttl]`, `/tollgate env list`, `/tollgate env extend <name> <ttl>`, `/tollgate env down <name>`.';

/** What the user typed after `/tollgate`. */
export function parseCommand(text: string): Command {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words[0] !== 'env' || words.length < 2)
    return { verb: 'help', ...(words.length ? { problem: `I do not know "${text.trim()}".` } : {}) };
  const [, verb, a, b, ...extra] = words;
  const ttl = (v: string | undefined) => (v === undefined ? undefined : parseAge(v));
  if (extra.length) return { verb: 'help', problem: `Too many words in "${text.trim()}".` };
  switch (verb) {
    case 'list':
      return a === undefined ? { verb: 'list' } : { verb: 'help', problem: '`env list` takes nothing after it.' };
    case 'up': {
      if (!a) return { verb: 'help', problem: '`env up` needs a branch.' };
      const ttlMs = ttl(b);
      if (b !== undefined && !ttlMs)
        return { verb: 'help', problem: `"${b}" is not a lifetime: use minutes, hours or days (45m, 8h, 2d).` };
      return { verb: 'up', branch: a, name: envNameFor(a), ...(ttlMs ? { ttlMs } : {}) };
    }
    case 'extend': {
      const ttlMs = ttl(b);
      if (!a || !ttlMs) return { verb: 'help', problem: '`env extend` needs a name and a lifetime, e.g. `env extend qa-login 4h`.' };
      return { verb: 'extend', name: a, ttlMs };
    }
    case 'down':
      return a && b === undefined ? { verb: 'down', name: a } : { verb: 'help', problem: '`env down` needs exactly one name.' };
    default:
      return { verb: 'help', problem: `I do not know \`env ${verb}\`.` };
  }
}

/** A Tollgate error as the user's answer: what is wrong, and what to do. */
const explain = (e: unknown) =>
  e instanceof TollgateError ? `${e.message}${e.hint ? `\n${e.hint}` : ''}` : `Something went wrong: ${(e as Error).message ?? String(e)}`;

const at = (d: Date) => `${d.toISOString().replace(/:\d\d\.\d+Z$/, 'Z')} (in ${duration(d.getTime() - Date.now(), 'short')})`;

export interface RunningApp {
  /** http://127.0.0.1:<port>/slack/events */
  url: string;
  /** Resolves when every environment the app is creating or removing in the background is done. */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startSlackApp(
  settings: SlackAppSettings,
  listen: { port: number; host?: string },
  options: { env?: NodeJS.ProcessEnv; log?: (line: string) => void } = {},
): Promise<RunningApp> {
  const { App, LogLevel } = await import('@slack/bolt');
  const log = options.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const ctx = { env: options.env ?? process.env };
  const app = new App({
    // One workspace, one bot token. Given as `authorize` rather than `token`, Bolt never calls
    // auth.test (at start-up or before the first request), so it answers within Slack's
    // 3 seconds even when Slack's API is slow, and starts while it is unreachable.
    authorize: async () => ({ botToken: settings.botToken }),
    signingSecret: settings.signingSecret,
    logLevel: LogLevel.WARN,
    ...(settings.apiUrl ? { clientOptions: { slackApiUrl: `${settings.apiUrl.replace(/\/+$/, '')}/` } } : {}),
  });
  const background = new Set<Promise<void>>();
  const inBackground = (work: () => Promise<void>) => {
    const p = work().finally(() => background.delete(p));
    background.add(p);
  };

  app.command('/tollgate', async ({ command, ack, respond, client }) => {
    const user = command.user_id;
    const parsed = parseCommand(command.text ?? '');
    log(`slack-app: ${user} /tollgate ${parsed.verb}${'name' in parsed ? ` ${parsed.name}` : ''}`);
    if (parsed.verb === 'help') {
      await ack({ response_type: 'ephemeral', text: `${parsed.problem ? `${parsed.problem} ` : ''}${USAGE}` });
      return;
    }
    if (parsed.verb === 'list') {
      try {
        const rows = await envList(ctx);
        const lines = rows.map(
          (r) => `${r.name}  ${r.ref}  ${r.build}  <@${r.owner}>  ${r.webUrl ?? '-'}  ${r.status}  expires ${at(r.expiresAt)}`,
        );
        await ack({
          response_type: 'ephemeral',
          text: lines.length ? lines.join('\n') : 'No environments. Create one with `/tollgate env up <branch>`.',
        });
      } catch (e) {
        await ack({ response_type: 'ephemeral', text: explain(e) });
      }
      return;
    }
    if (!settings.allowed.has(user)) {
      await ack({
        response_type: 'ephemeral',
        text: `Sorry <@${user}>, only people on Tollgate's allow-list can create, extend or remove environments. Ask the Tollgate admins to add you; \`/tollgate env list\` works for everyone.`,
      });
      log(`slack-app: refused ${parsed.verb} for ${user} (not on the allow-list)`);
      return;
    }
    if (parsed.verb === 'extend') {
      try {
        const r = await envExtend(parsed.name, parsed.ttlMs, ctx);
        await ack({ response_type: 'ephemeral', text: `${r.name} now expires ${at(r.expiresAt)}.` });
      } catch (e) {
        await ack({ response_type: 'ephemeral', text: explain(e) });
      }
      return;
    }
    if (parsed.verb === 'down') {
      await ack({ response_type: 'ephemeral', text: `Removing ${parsed.name}…` });
      inBackground(async () => {
        try {
          const r = await envDown(parsed.name, ctx);
          await respond({ response_type: 'ephemeral', text: `${parsed.name} is removed (build ${r.record.build}).` });
        } catch (e) {
          await respond({ response_type: 'ephemeral', text: explain(e) }).catch(() => {});
        }
      });
      return;
    }
    // up: answer within Slack's 3 seconds, create in the background.
    const ttlMs = parsed.ttlMs ?? settings.ttlMs;
    await ack({
      response_type: 'ephemeral',
      text: `Creating ${parsed.name} from \`${parsed.branch}\` (${settings.profile} data, lives ${duration(ttlMs, 'short')}). I will post here when it is ready and send you its credentials.`,
    });
    inBackground(async () => {
      try {
        const r = await envUp({ name: parsed.name, ref: parsed.branch, profile: settings.profile, ttlMs, owner: user }, ctx);
        // The channel learns where it is; the credentials go to the requester alone.
        await client.chat.postMessage({
          channel: command.channel_id,
          text: `Environment ${r.record.name} is ready: ${r.urls.web}/ · build ${r.record.build} (${parsed.branch}) · owner <@${user}> · expires ${at(r.record.expiresAt)}`,
        });
        await respond({
          response_type: 'ephemeral',
          text: `Your environment ${r.record.name} is ready at ${r.urls.web}/. Sign in as ${r.admin.email} with the password ${r.admin.password} (only you can see this). Its data: seed ${r.record.seed}.`,
        });
        log(`slack-app: ${r.record.name} ready for ${user} at ${r.urls.web}`);
      } catch (e) {
        log(`slack-app: ${parsed.name} for ${user} failed: ${e instanceof TollgateError ? e.message : String(e)}`);
        await respond({ response_type: 'ephemeral', text: `Could not create ${parsed.name}: ${explain(e)}` }).catch(() => {});
      }
    });
  });

  app.error(async (e) => log(`slack-app: ${e.message}`));
  await app.start({ port: listen.port, host: listen.host ?? '127.0.0.1' });
  const url = `http://${listen.host ?? '127.0.0.1'}:${listen.port}/slack/events`;
  return {
    url,
    idle: async () => {
      while (background.size) await Promise.allSettled([...background]);
    },
    stop: async () => {
      await app.stop();
    },
  };
}
