/** `tollgate browsers serve`: a Playwright browser server for the web projects. Parsing and rendering only. */
import type { Command } from 'commander';
import { wholeNumber } from './parse.ts';
import { serveBrowser } from '../../stack/browser-server.ts';

export function registerBrowsers(program: Command): void {
  const browsers = program.command('browsers').description("Playwright's remote browsers");
  browsers
    .command('serve')
    .description('serve Chromium to the web projects over a websocket on 127.0.0.1 until stopped (Ctrl-C, SIGTERM)')
    .option('--port <p>', 'port to listen on (default: a free one)', wholeNumber)
    .action(async (opts: { port?: number }) => {
      const served = await serveBrowser({ port: opts.port });
      process.stdout.write(
        [
          `browser server up: Chromium pid ${served.browserPid ?? '?'}, server pid ${process.pid}`,
          `  stop with  Ctrl-C (or kill ${process.pid})`,
          `TOLLGATE_BROWSER_WS_ENDPOINT=${served.wsEndpoint}`,
        ].join('\n') + '\n',
      );
      await new Promise<void>((resolve) => {
        for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
      });
      await served.close();
      process.stdout.write('browser server stopped\n');
    });
}
