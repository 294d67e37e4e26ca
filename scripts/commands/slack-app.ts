/** `tollgate slack-app`: the `/tollgate` slash command for on-demand environments (envs/slack-app.ts). */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';

function port(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > 65535) throw new InvalidArgumentError('expected a port from 1 to 65535.');
  return n;
}

export function registerSlackApp(program: Command): void {
  program
    .command('slack-app')
    .description(
      'serve the /tollgate slash command (env up | list | extend | down) for Slack; needs SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN',
    )
    .option('--port <n>', 'port to listen on', port, 3000)
    .option('--host <address>', 'address to listen on (put a TLS proxy in front for Slack)', '127.0.0.1')
    .action(async (o: { port: number; host: string }) => {
      const { slackAppSettings, startSlackApp } = await import('../../envs/slack-app.ts');
      const settings = slackAppSettings();
      const app = await startSlackApp(settings, { port: o.port, host: o.host });
      process.stdout.write(
        `slack-app: listening on ${app.url} (request URL for the /tollgate command); ${settings.allowed.size} user(s) on the allow-list\n`,
      );
      await new Promise<void>((resolve) => {
        const stop = (signal: NodeJS.Signals) => {
          process.stdout.write(`slack-app: ${signal}: finishing the environments being created or removed, then stopping\n`);
          void app
            .idle()
            .then(() => app.stop())
            .then(resolve);
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
