/** The promotion report's CSS: system fonts only (nothing to download), print-friendly. */
export const STYLE = `
:root{--promote:#1e7b4a;--warn:#b45309;--block:#b3261e;--inconclusive:#5f6b7a;--ink:#1d2430;--muted:#5b6472;--line:#e3e6eb;--bg:#f4f5f7}
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",sans-serif;margin:0;background:var(--bg);color:var(--ink)}
code,pre,.loc,.err{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"DejaVu Sans Mono",monospace}
a{color:#0b57d0}
.banner{display:grid;grid-template-columns:auto 1fr;gap:6px 28px;align-items:center;padding:22px 32px 18px;color:#fff}
.banner.v-promote{background:var(--promote)}.banner.v-warn{background:var(--warn)}.banner.v-block{background:var(--block)}.banner.v-inconclusive{background:var(--inconclusive)}
.verdict{font-size:52px;font-weight:800;letter-spacing:.02em;line-height:1;padding:10px 22px;border:3px solid rgba(255,255,255,.85);border-radius:12px}
.head h1{font-size:22px;line-height:1.3;margin:0 0 6px;font-weight:650}
.facts{margin:0;opacity:.95}.facts a{color:#fff;font-weight:600}
.tiles{grid-column:1/-1;display:flex;flex-wrap:wrap;gap:10px;margin-top:12px}
.tile{background:rgba(255,255,255,.16);border-radius:8px;padding:6px 14px;min-width:86px}
.tile b{display:block;font-size:20px}.tile span{font-size:12px;opacity:.9;text-transform:uppercase;letter-spacing:.04em}
.tile.hot{background:rgba(0,0,0,.22)}
main{padding:18px 32px 8px;max-width:1500px}
.row{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:16px}.row.three{grid-template-columns:repeat(3,minmax(0,1fr))}
@media (max-width:1000px){.row,.row.three{grid-template-columns:1fr}.banner{grid-template-columns:1fr}}
.card,.notes{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.1);padding:14px 18px;margin:0 0 16px;min-width:0}
.notes{background:#fff8e1;border-left:6px solid var(--warn)}.notes ul{margin:0;padding-left:18px}
h2{font-size:16px;margin:0 0 10px;display:flex;gap:8px;align-items:baseline}
.count{font-size:12px;font-weight:600;color:var(--muted);background:var(--bg);border-radius:10px;padding:1px 8px}
.sub{color:var(--muted);margin:-4px 0 10px;font-size:13px}
.none{color:var(--muted);font-style:italic;margin:0}
.chip{display:inline-block;font-size:11px;font-weight:700;border-radius:10px;padding:2px 9px;color:#fff;background:var(--inconclusive);text-transform:uppercase;letter-spacing:.03em;white-space:nowrap;vertical-align:1px}
.chip.v-promote,.chip.st-ok{background:var(--promote)}.chip.v-warn{background:var(--warn)}.chip.v-block,.chip.st-failed,.chip.new{background:var(--block)}
.chip.st-skipped,.chip.recurring{background:#8a94a3}
.chip.cat{background:#e8ebf0;color:var(--ink)}.chip.cat-product{background:#fde2e0;color:#8c1d18}.chip.cat-deployment{background:#fde7cf;color:#7a3b00}
.chip.cat-environment,.chip.cat-infrastructure{background:#e0e7f5;color:#1f3b73}.chip.cat-flaky,.chip.cat-known-issue{background:#fff0c2;color:#6b4a00}
.reasons,.tests,.evidence,.since,.traces{list-style:none;margin:0;padding:0}
.reason{display:grid;grid-template-columns:110px 1fr;align-items:start;gap:10px;padding:8px 0;border-top:1px solid var(--line)}.reason:first-child{border-top:0;padding-top:0}
.reason .chip{justify-self:start;margin-top:2px}
.r-msg{font-size:15px}.rule{white-space:nowrap;font-size:11px;color:var(--muted);background:var(--bg);border-radius:4px;padding:1px 5px}
.evidence li{font-size:13px;color:var(--muted);padding-left:12px;position:relative;overflow-wrap:anywhere}.evidence li::before{content:"–";position:absolute;left:0}
.path{display:flex;flex-wrap:wrap;align-items:center;gap:6px;list-style:none;margin:4px 0 14px;padding:0}
.stop{display:flex;flex-direction:column;align-items:center;min-width:110px;padding:8px 12px;border-radius:10px;border:2px solid var(--line);background:#fafbfc}
.stop .env{font-weight:700;font-size:15px}.stop .state{font-size:12px;font-weight:700;text-transform:uppercase;color:var(--muted)}.stop .when{font-size:11px;color:var(--muted)}
.stop.v-promote .state{color:var(--promote)}.stop.v-warn .state{color:var(--warn)}.stop.v-block .state{color:var(--block)}
.stop.current{border-color:var(--ink);box-shadow:0 0 0 3px rgba(29,36,48,.08)}
.stop.v-promote{background:#eaf5ef}.stop.v-warn{background:#fdf3e6}.stop.v-block{background:#fbeceb}.stop.v-inconclusive{background:#eef0f3}
.arrow{color:var(--muted);font-size:20px}
.since li{padding:3px 0;font-size:13px}
.test{padding:8px 0;border-top:1px solid var(--line);overflow-wrap:anywhere}.test:first-child{border-top:0;padding-top:0}
.t-title{font-weight:600}.proj{font-weight:600;font-size:11px;color:var(--muted);background:var(--bg);border-radius:4px;padding:1px 6px;margin-right:2px}
.err{font-size:12px;color:#8c1d18;background:#fbeceb;border-radius:4px;padding:3px 7px;margin-top:4px;white-space:pre-wrap}
.meta{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-top:4px;font-size:12px;color:var(--muted)}
.owner{font-weight:600;color:var(--ink)}.loc{font-size:12px;color:var(--muted)}
.note{font-size:13px;margin-top:4px}.note.expired{color:var(--block)}
.more{color:var(--muted);font-style:italic;padding-top:6px}
table{border-collapse:collapse;width:100%;font-size:13px}
caption{text-align:left;font-weight:700;font-size:16px;padding-bottom:8px}
th,td{text-align:left;padding:6px 8px;border-top:1px solid var(--line);vertical-align:top}
thead th{border-top:0;color:var(--muted);font-weight:600;font-size:12px;text-transform:uppercase;letter-spacing:.03em}
.counts td{text-align:right;font-variant-numeric:tabular-nums}.counts thead th:not(:first-child){text-align:right}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.bad{color:var(--block);font-weight:700}td.warn{color:var(--warn);font-weight:700}
.groups code{font-size:12px;overflow-wrap:anywhere}
pre{margin:0;white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px;background:var(--bg);border-radius:4px;padding:6px 8px;max-height:140px;overflow:auto}
.barcell{width:22%}.sbar{display:block;height:10px;border-radius:5px;background:#9aa5b4;margin-top:4px}.sbar.st-failed{background:var(--block)}.sbar.st-ok{background:#6fae8c}
.trend{width:100%;max-width:900px;height:auto;display:block}
.trend .grid{stroke:var(--line);stroke-width:1}.trend .axis{font-size:11px;fill:var(--muted)}.trend .axis.strong{fill:var(--ink);font-weight:700}
.trend .legend{font-size:11px;fill:var(--muted)}
.trend .bar{fill:#d9dee6}.trend .bar.current{fill:#b8c1cd}
.trend .rate{fill:none;stroke:var(--ink);stroke-width:2}
.trend .pt{stroke:#fff;stroke-width:2;fill:var(--inconclusive)}.trend .pt.current{stroke:var(--ink);stroke-width:2.5}.trend .pt.none{fill:#fff;stroke:var(--inconclusive)}
.trend .v-promote{fill:var(--promote)}.trend .v-warn{fill:var(--warn)}.trend .v-block{fill:var(--block)}
.traces li{padding:2px 0;overflow-wrap:anywhere}
footer{color:var(--muted);font-size:12px;padding:4px 32px 24px}
@media print{body{background:#fff}.card{box-shadow:none;border:1px solid var(--line)}}
`;
