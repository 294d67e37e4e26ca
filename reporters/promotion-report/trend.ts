/**
 * The trend chart: pass rate (line, one dot per run coloured by its verdict) over duration
 * (grey bars), oldest run on the left. Plain inline SVG with <title> tooltips: no script, no
 * font, nothing to load.
 */
import type { TrendPoint } from './model-types.ts';
import { duration, esc, percent, shortBuild, when } from './text.ts';

const W = 760;
const H = 230;
const PAD = { left: 52, right: 68, top: 18, bottom: 44 };
const plotW = W - PAD.left - PAD.right;
const plotH = H - PAD.top - PAD.bottom;

/** The lowest pass rate the axis shows: the worst run rounded down to 10%, so small dips stay visible. */
function floorOf(points: TrendPoint[]): number {
  const rates = points.map((p) => p.passRate).filter((r): r is number => r !== null);
  const worst = rates.length ? Math.min(...rates) : 0;
  return Math.max(0, Math.min(90, Math.floor((worst - 0.001) / 10) * 10));
}

const n1 = (v: number) => Math.round(v * 10) / 10;

export function trendSvg(points: TrendPoint[]): string {
  const n = points.length;
  const x = (i: number) => n1(PAD.left + (n === 1 ? plotW / 2 : (i * plotW) / (n - 1)));
  const low = floorOf(points);
  const y = (rate: number) => n1(PAD.top + plotH - ((rate - low) / (100 - low)) * plotH);
  const maxMs = Math.max(1, ...points.map((p) => p.durationMs));
  const barW = n1(Math.min(26, (plotW / Math.max(n, 1)) * 0.55));

  const grid = [low, (low + 100) / 2, 100].map(
    (r) =>
      `<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(r)}" y2="${y(r)}"/><text class="axis" x="${PAD.left - 8}" y="${y(r) + 4}" text-anchor="end">${r}%</text>`,
  );
  const bars = points.map((p, i) => {
    const h = n1((p.durationMs / maxMs) * plotH * 0.9);
    return `<rect class="bar${p.current ? ' current' : ''}" x="${n1(x(i) - barW / 2)}" y="${n1(PAD.top + plotH - h)}" width="${barW}" height="${h}"><title>${esc(`${p.runId}: ${duration(p.durationMs)}`)}</title></rect>`;
  });
  const rated = points.map((p, i) => ({ p, i })).filter(({ p }) => p.passRate !== null);
  const line =
    rated.length > 1 ? `<polyline class="rate" points="${rated.map(({ p, i }) => `${x(i)},${y(p.passRate!)}`).join(' ')}"/>` : '';
  const dots = points.map((p, i) => {
    const cy = p.passRate === null ? PAD.top + plotH : y(p.passRate);
    const tip = `${p.current ? 'this run' : p.runId} · build ${shortBuild(p.build)} · ${p.verdict} · ${when(p.at)} · pass rate ${percent(p.passRate)} · ${duration(p.durationMs)}`;
    return `<circle class="pt v-${p.verdict.toLowerCase()}${p.current ? ' current' : ''}${p.passRate === null ? ' none' : ''}" cx="${x(i)}" cy="${cy}" r="${p.current ? 7 : 5}"><title>${esc(tip)}</title></circle>`;
  });
  const date = (p: TrendPoint) => when(p.at).slice(0, 10);
  const labels = [
    n > 1 ? `<text class="axis" x="${x(0)}" y="${H - PAD.bottom + 18}" text-anchor="start">${esc(date(points[0]!))}</text>` : '',
    `<text class="axis strong" x="${x(n - 1)}" y="${H - PAD.bottom + 18}" text-anchor="${n > 1 ? 'end' : 'middle'}">this run</text>`,
    `<text class="axis" x="${W - PAD.right + 8}" y="${PAD.top + plotH - plotH * 0.9 + 4}">${esc(duration(maxMs))}</text>`,
    `<text class="axis" x="${W - PAD.right + 8}" y="${PAD.top + plotH + 4}">0</text>`,
    `<text class="legend" x="${PAD.left}" y="${H - 8}">● pass rate (left axis)   ▮ duration (right axis)   ${n} run${n === 1 ? '' : 's'}, oldest left</text>`,
  ];
  const label = `Pass rate and duration of the last ${n} runs; this run: ${percent(points[n - 1]?.passRate ?? null)}, ${duration(points[n - 1]?.durationMs ?? NaN)}`;
  return `<svg class="trend" viewBox="0 0 ${W} ${H}" role="img" aria-label="${esc(label)}">
${grid.join('\n')}
${bars.join('\n')}
${line}
${dots.join('\n')}
${labels.join('\n')}
</svg>`;
}

const SPARKS = '▁▂▃▄▅▆▇█';
/** The pass-rate trend as text for Markdown: one block per run, `·` for a run where nothing ran. */
export function sparkline(points: TrendPoint[]): string {
  const low = floorOf(points);
  return points
    .map((p) => (p.passRate === null ? '·' : SPARKS[Math.min(7, Math.max(0, Math.round(((p.passRate - low) / (100 - low)) * 7)))]!))
    .join('');
}
