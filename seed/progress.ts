/**
 * Progress for long seeds: nothing for the first ~2 s (small runs stay quiet); then a bar with
 * rows/s and ETA redrawn in place on a terminal, or a plain line every 5 s when not a TTY (CI).
 */
export interface ProgressSink {
  isTTY?: boolean;
  write(s: string): void;
}

export function progressReporter(label: string, sink: ProgressSink = process.stderr, now = () => performance.now()) {
  const start = now();
  let lastDraw = 0;
  let drawn = false;
  const rate = (done: number, t: number) => (t > 0 ? done / (t / 1000) : 0);
  const fmt = (n: number) => Math.round(n).toLocaleString('en');

  return {
    update(done: number, total: number): void {
      const t = now() - start;
      if (t < 2_000) return;
      const interval = sink.isTTY ? 100 : 5_000;
      if (drawn && t - lastDraw < interval && done < total) return;
      lastDraw = t;
      drawn = true;
      const perSec = rate(done, t);
      const eta = perSec > 0 ? Math.max(0, (total - done) / perSec) : 0;
      const pct = total ? Math.floor((done / total) * 100) : 100;
      if (sink.isTTY) {
        const width = 24;
        const filled = Math.round((pct / 100) * width);
        sink.write(
          `\r${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${fmt(done)}/${fmt(total)} rows  ${fmt(perSec)} rows/s  ETA ${eta.toFixed(0)} s `,
        );
      } else {
        sink.write(`${label}: ${pct}% (${fmt(done)}/${fmt(total)} rows, ${fmt(perSec)} rows/s, ETA ${eta.toFixed(0)} s)\n`);
      }
    },
    /** Ends the in-place bar with a newline so what follows starts on its own line. */
    finish(): void {
      if (drawn && sink.isTTY) sink.write('\n');
    },
  };
}
