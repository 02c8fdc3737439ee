/** The report's stylesheet, inlined: readable on screen, A4 in print, no figure split over pages. */
export const REPORT_STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; color: #1d1d1d; max-width: 980px; margin: 24px auto; padding: 0 16px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; }
.meta, .note { color: #555; font-size: 12px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 12px; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
td:nth-child(n+2) { font-variant-numeric: tabular-nums; }
figure.chart { margin: 12px 0; break-inside: avoid; } figure.chart svg { width: 100%; height: auto; }
figcaption { font-weight: 600; margin-bottom: 4px; }
.legend { font-size: 12px; display: flex; flex-wrap: wrap; gap: 12px; }
.legend i { display: inline-block; width: 18px; height: 0; border-top: 2px solid; vertical-align: middle; margin-right: 4px; }
.legend i.band { height: 8px; border: 0; opacity: 0.3; } .legend i.gap { height: 8px; border: 1px solid #c8c8c8; background: #f4f4f4; }
.geo { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; } .geo svg { flex: 1 1 560px; max-width: 640px; height: auto; }
.url { word-break: break-all; }
.methods-record td:first-child { white-space: nowrap; }
@page { size: A4; margin: 14mm; }
@media print { body { margin: 0; max-width: none; font-size: 11px; } section, table.figures, .geo { break-inside: avoid; } h2 { break-after: avoid; } }
`;
