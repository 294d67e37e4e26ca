/**
 * Telling an environment's owner what the reaper did: a direct message from the Slack bot
 * (SLACK_BOT_TOKEN; SLACK_API_URL for another Web API base) when the owner is a Slack user id.
 * A Slack failure is reported and never stops the reaper.
 */
import { duration } from '../lib/text.ts';
import { postToSlack } from '../reporters/slack/deliver.ts';
import type { SlackMessage } from '../reporters/slack/message.ts';
import type { ReapAction } from './lifecycle.ts';

/** Slack user ids: U… or W… (Enterprise Grid). */
const SLACK_USER = /^[UW][A-Z0-9]{5,}$/;

export function ownerMessage(a: ReapAction): SlackMessage {
  const r = a.record;
  const text =
    a.action === 'warn'
      ? `Your environment ${r.name} (build ${r.build}) expires in ${duration(a.expiresInMs, 'short')}, at ${r.expiresAt.toISOString()}. Keep it with \`/tollgate env extend ${r.name} 4h\` or \`npx tollgate env extend ${r.name} --ttl 4h\`.`
      : `Your environment ${r.name} (build ${r.build}) was removed: ${a.why}.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

export async function notifyOwner(
  a: ReapAction,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<boolean> {
  const token = env.SLACK_BOT_TOKEN;
  if (!token || !SLACK_USER.test(a.record.owner)) return false;
  const result = await postToSlack(
    ownerMessage(a),
    { botToken: token, channel: a.record.owner, ...(env.SLACK_API_URL ? { apiBase: env.SLACK_API_URL } : {}) },
    { log, retries: 2 },
  );
  if (!result.delivered) log(`reap: could not tell ${a.record.owner} on Slack: ${result.error ?? `HTTP ${result.status}`}`);
  return result.delivered;
}
