/** `tollgate grid up | status | down`: a local Selenium Grid (hub + nodes). Parsing and rendering only. */
import type { Command } from 'commander';
import { wholeNumber } from './parse.ts';
import { DEFAULT_GRID_PORT, gridDown, gridStatus, gridUp, type GridReport } from '../../stack/grid.ts';
import { seconds } from '../../lib/text.ts';

export function renderGridStatus(r: GridReport): string {
  if (!r.state) return `not running (no Grid recorded in ${r.dir})\n`;
  const lines = [
    r.status
      ? `${r.status.ready ? 'ready' : 'NOT READY'}: ${r.state.url} (${r.status.message})`
      : `NOT ANSWERING: ${r.state.url}/status (${r.error})`,
  ];
  for (const p of r.processes) {
    const node = r.status?.nodes.find((n) => n.uri === r.state!.nodes[Number(p.role.split(' ')[1]) - 1]?.url);
    const slots = node ? `  ${node.availability}, ${node.busy}/${node.maxSessions} slots busy` : '';
    const served = p.sessions === undefined ? '' : `, ${p.sessions} session(s) served`;
    lines.push(`  ${p.role.padEnd(7)} pid ${String(p.pid).padEnd(8)} ${p.alive ? 'running' : 'not running'}${slots}${served}`);
  }
  return lines.join('\n') + '\n';
}

export function registerGrid(program: Command): void {
  const grid = program.command('grid').description('a local Selenium Grid 4 (hub + nodes on 127.0.0.1) for the Selenium lane');

  grid
    .command('up')
    .description('start a hub and N nodes, wait until the Grid reports them ready, print SELENIUM_REMOTE_URL')
    .option('--nodes <n>', 'number of nodes (1–8)', wholeNumber, 2)
    .option('--max-sessions <k>', 'concurrent browser sessions per node (1–8)', wholeNumber, 1)
    .option('--port <p>', `hub port; the event bus takes the two below, the nodes the N above (default ${DEFAULT_GRID_PORT})`, wholeNumber)
    .action(async (opts: { nodes: number; maxSessions: number; port?: number }) => {
      const r = await gridUp({ nodes: opts.nodes, maxSessions: opts.maxSessions, port: opts.port ?? DEFAULT_GRID_PORT });
      const s = r.state;
      process.stdout.write(
        [
          `grid ${r.action === 'started' ? 'started' : 'already up'} in ${seconds(r.ms)}: hub ${s.url}, ${s.nodes.length} node(s) × ${s.maxSessions} session(s)`,
          ...s.nodes.map((n, i) => `  node ${i + 1}  ${n.url}  pid ${n.pid}`),
          `  stop with  npx tollgate grid down`,
          `SELENIUM_REMOTE_URL=${s.url}`,
        ].join('\n') + '\n',
      );
    });

  grid
    .command('status')
    .description('the hub and each node: running, ready, slots in use, sessions served (exit 0 ready, 1 not ready, 3 not running)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const r = await gridStatus();
      process.stdout.write(opts.json ? JSON.stringify(r, null, 2) + '\n' : renderGridStatus(r));
      process.exitCode = !r.state ? 3 : r.status?.ready ? 0 : 1;
    });

  grid
    .command('down')
    .description('stop exactly the processes `grid up` started (by PID) and check their ports are free')
    .action(async () => {
      const r = await gridDown();
      if (!r.stopped.length) process.stdout.write(`no running Grid recorded in ${r.dir}\n`);
      for (const p of r.stopped) process.stdout.write(`  stopped ${p.role.padEnd(7)} pid ${p.pid}\n`);
      if (!r.portsFree) {
        process.stderr.write('tollgate: the Grid stopped, but one of its ports is still taken by another process\n');
        process.exitCode = 1;
      }
    });
}
