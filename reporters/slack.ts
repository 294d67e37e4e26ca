/**
 * The run's Slack message: build it (pure, redacted, within Block Kit's limits), decide whether
 * this environment wants it, deliver it (webhook or bot token, retried, never throwing) and keep
 * a copy next to the reports.
 */
export { buildEarlyBlockMessage, buildSlackMessage, shouldPost, rankGroups, formatDuration } from './slack/message.ts';
export type { Block, BuildOptions, EarlyBlockInput, Notify, SlackLinks, SlackMessage, SlackPart } from './slack/message.ts';
export { postToSlack, saveSlackPayload } from './slack/deliver.ts';
export type { Delivery, PostOptions, PostResult, SlackAnswer, SlackDestination, SlackSender } from './slack/deliver.ts';
export { LIMITS, escapeMrkdwn } from './slack/mrkdwn.ts';
