/**
 * `npm run bench`: every benchmark, each starting what it needs (its own stack, on its own ports),
 * cheapest first, then one summary block: per bench its figure, its target and whether it was
 * met. Exit 0 when every target was met. TOLLGATE_REPEAT (default here 3) sets bench:repeat's runs.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../config/paths.ts';

export interface Verdict {
  figure: string;
  met: boolean;
}

export interface Bench {
  name: string;
  script: string;
  target: string;
  /** The figure and whether the target was met, from the bench's output; undefined: its summary line is missing. */
  read: (output: string) => Verdict | undefined;
}

const num = (s: string | undefined) => Number(s);

export const BENCHES: Bench[] = [
  {
    name: 'triage',
    script: 'triage.bench.ts',
    target: '10,000 failures triaged in < 1 s',
    read: (out) => {
      const m = /^triage: (\d+) results in (\d+\.\d+) s, (\d+) groups$/m.exec(out);
      const acc = /^triage-accuracy: (.+)$/m.exec(out)?.[1];
      return m
        ? { figure: `${m[1]} results in ${m[2]} s, ${m[3]} groups${acc ? ` (accuracy ${acc})` : ''}`, met: num(m[2]) < 1 }
        : undefined;
    },
  },
  {
    name: 'stack',
    script: 'stack.bench.ts',
    target: 'cold up < 15 s, warm up < 2 s',
    read: (out) => {
      const m = /^stack: cold (\d+\.\d+) s, warm (\d+\.\d+) s, redeploy (\d+\.\d+) s, down (\d+\.\d+) s$/m.exec(out);
      return m ? { figure: `cold ${m[1]} s, warm ${m[2]} s, redeploy ${m[3]} s`, met: num(m[1]) < 15 && num(m[2]) < 2 } : undefined;
    },
  },
  {
    name: 'seed',
    script: 'seed.bench.ts',
    target: 'ratio to psql \\copy ≥ 1.0, peak RSS ≤ 300 MB',
    read: (out) => {
      const m = /^seed: (\d+) rows\/s, psql \\copy: (\d+) rows\/s, ratio (\d+\.\d+), peak RSS (\d+) MB$/m.exec(out);
      return m ? { figure: `${m[1]} rows/s, ratio ${m[3]}, peak RSS ${m[4]} MB`, met: num(m[3]) >= 1.0 && num(m[4]) <= 300 } : undefined;
    },
  },
  {
    name: 'smoke',
    script: 'smoke.bench.ts',
    target: 'smoke suite ≤ 30 s wall, every test passing',
    read: (out) => {
      const failed = /^smoke: FAILED, (.+)$/m.exec(out);
      if (failed) return { figure: `FAILED, ${failed[1]}`, met: false };
      const m = /^smoke: (\d+\.\d) s wall, (\d+) tests, (\d+) workers$/m.exec(out);
      return m ? { figure: `${m[1]} s wall, ${m[2]} tests, ${m[3]} workers`, met: num(m[1]) <= 30 } : undefined;
    },
  },
  {
    name: 'gate',
    script: 'gate.bench.ts',
    target: 'time to verdict ≤ 1.10 × bare Playwright (same tests); certain BLOCK < 30 % of the run',
    read: (out) => {
      const m = /^gate: (\d+\.\d) s to verdict, bare playwright: (\d+\.\d) s, ratio (\d+\.\d+)$/m.exec(out);
      const e = /^time to certain BLOCK: (\d+\.\d) s of (\d+\.\d) s \((\d+) %\)$/m.exec(out);
      return m && e
        ? { figure: `ratio ${m[3]} (${m[1]} s vs ${m[2]} s); BLOCK certain at ${e[3]} %`, met: num(m[3]) <= 1.1 && num(e[3]) < 30 }
        : undefined;
    },
  },
  {
    name: 'repeat',
    script: 'repeat.bench.ts',
    target: 'every run passes (no flaky test)',
    read: (out) => {
      const m = /^repeat: (\d+)\/(\d+) runs passed, (\d+) tests per run, (\d+) tests failed at least once$/m.exec(out);
      return m ? { figure: `${m[1]}/${m[2]} runs passed, ${m[3]} tests per run`, met: m[1] === m[2] && num(m[2]) > 0 } : undefined;
    },
  },
];

function runBench(b: Bench, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string; seconds: number }> {
  const t0 = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO_ROOT, 'scripts', 'bench', b.script)], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const relay = (to: NodeJS.WriteStream) => (d: Buffer) => {
      output += d;
      to.write(d);
    };
    child.stdout.on('data', relay(process.stdout));
    child.stderr.on('data', relay(process.stderr));
    child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output, seconds: (performance.now() - t0) / 1000 }));
  });
}

/** The summary block: one line per bench, its figure, its target, met or NOT MET. */
export function summary(rows: { bench: Bench; verdict?: Verdict; code: number }[]): string {
  const lines = ['=== bench summary ==='];
  for (const { bench, verdict, code } of rows) {
    const figure = verdict?.figure ?? `no result (exit ${code})`;
    const met = verdict?.met ?? false;
    lines.push(`  ${bench.name.padEnd(7)} ${figure.padEnd(62)} target: ${bench.target}  ${met ? 'met' : 'NOT MET'}`);
  }
  const met = rows.filter((r) => r.verdict?.met).length;
  lines.push(`${met} of ${rows.length} targets met`);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const unknown = only.filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length) {
    console.error(`bench: no bench ${unknown.join(', ')}. Benches: ${BENCHES.map((b) => b.name).join(', ')}.`);
    return 64;
  }
  const env = { ...process.env, TOLLGATE_REPEAT: process.env.TOLLGATE_REPEAT || '3' };
  const rows: { bench: Bench; verdict?: Verdict; code: number }[] = [];
  for (const bench of BENCHES.filter((b) => !only.length || only.includes(b.name))) {
    console.log(`\n=== bench:${bench.name} ===`);
    const r = await runBench(bench, env);
    rows.push({ bench, verdict: r.code === 0 || bench.name === 'smoke' ? bench.read(r.output) : undefined, code: r.code });
    console.log(`(bench:${bench.name} took ${r.seconds.toFixed(0)} s)`);
  }
  process.stdout.write(`\n${summary(rows)}`);
  return rows.every((r) => r.verdict?.met) ? 0 : 1;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = await main();
