/**
 * The report page: one self-contained HTML file (inline CSS, inline SVG, no script, no external
 * reference of any kind), readable offline and printable. This module assembles the page; the
 * sections are in run-sections.ts and target-sections.ts, their building blocks in blocks.ts.
 */
import { ChartRenderer } from "./blocks.js";
import type { RunData } from "./read-run.js";
import type { RunSummaryData } from "../runs/summary.js";
import { html, trustedHtml, type Html } from "./safe-html.js";
import { headerSection, inputsSection, leakageOverviewSection, rankingsSection, statusSection, warningsSection } from "./run-sections.js";
import { targetSection } from "./target-sections.js";
import { nestedSection } from "./nested-section.js";
import { timingSection } from "./timing-section.js";

export interface RenderOptions {
  /**
   * The summary the page shows, asked for once the charts are drawn (the slow part): `foxml run`
   * draws the report as its last stage and passes what summary.json will hold when the run has
   * ended, so the page shows the run's final status, end time and duration, not "running".
   */
  summaryAtEnd?: () => RunSummaryData;
}

/** The report's contents (navigation and sections), which the dashboard's run page shows too. */
export async function reportBody(found: RunData, opts: RenderOptions = {}, charts: ChartRenderer = new ChartRenderer()): Promise<{ nav: Html; main: Html; data: RunData }> {
  const targetSections: Html[] = [];
  for (let i = 0; i < found.targets.length; i++) targetSections.push(await targetSection(found, found.targets[i], `target-${i + 1}`, charts));
  const rankings = await rankingsSection(found, charts);
  const leakage = await leakageOverviewSection(found, charts);
  const data: RunData = opts.summaryAtEnd === undefined ? found : { ...found, summary: opts.summaryAtEnd() };
  const nav = html`<nav class="toc"><strong>Contents</strong><ol>
<li><a href="#overview">Overview</a></li>
<li><a href="#nested">Honest out-of-sample figures</a></li>
<li><a href="#rankings">Target ranking</a></li>
<li><a href="#leakage">Leakage findings</a></li>
${data.targets.length > 0 ? html`<li>Targets:<ol>${data.targets.map((t, i) => html`<li><a href="#target-${i + 1}">${t.name}</a></li>`)}</ol></li>` : ""}
<li><a href="#status">Failures and status</a></li>
<li><a href="#warnings">Warnings and errors</a></li>
<li><a href="#timing">Where the time went</a></li>
<li><a href="#inputs">Files read</a></li>
</ol></nav>`;
  const main = html`${headerSection(data)}
${nestedSection(data)}
${rankings}
${leakage}
${targetSections}
${statusSection(data)}
${warningsSection(data)}
${timingSection(data)}
${inputsSection(data)}`;
  return { nav, main, data };
}

/** Builds the whole page for what `readRun` found. */
export async function renderReportHtml(found: RunData, opts: RenderOptions = {}): Promise<string> {
  const { nav, main, data } = await reportBody(found, opts);
  const name = data.manifest?.name ?? data.summary?.name ?? "(unnamed run)";
  const runId = data.manifest?.run_id ?? data.summary?.run_id ?? "(unknown run id)";
  const page = html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="foxml report">
<title>FoxML report: ${name} (${runId})</title>
<style>${trustedHtml(REPORT_CSS)}</style>
</head>
<body>
<header class="top"><h1>FoxML run report: ${name}</h1><p class="sub">run <code>${runId}</code></p></header>
${nav}
<main>
${main}
</main>
<footer>Built by <code>foxml report</code> from the files in the run folder; rebuild it at any time with <code>foxml report RUN_DIR</code>. Self-contained: no scripts, no external resources.</footer>
</body>
</html>
`;
  return page.value;
}

export const REPORT_CSS = `
:root{--fg:#1d2329;--muted:#5d6873;--line:#dde2e7;--bg:#fff;--panel:#f6f8fa;--accent:#2f6f9f}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
header.top{padding:18px 28px 10px;border-bottom:1px solid var(--line)}
h1{font-size:22px;margin:0 0 2px}
h2{font-size:18px;margin:28px 0 8px;padding-top:10px;border-top:2px solid var(--line)}
h3{font-size:15px;margin:20px 0 6px}
h4{font-size:13px;margin:14px 0 4px;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.sub{margin:0;color:var(--muted)}
main{padding:0 28px 28px;max-width:1180px}
nav.toc{padding:10px 28px;background:var(--panel);border-bottom:1px solid var(--line);font-size:13px}
nav.toc ol{margin:4px 0 0;padding-left:22px}
nav.toc ol ol{padding-left:0;display:inline;list-style:none}
nav.toc ol ol li{display:inline;margin-left:10px}
a{color:var(--accent)}
code{font:12px/1.3 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--panel);padding:1px 4px;border-radius:3px;word-break:break-all}
.scroll{overflow-x:auto;margin:6px 0 10px}
table{border-collapse:collapse;font-size:13px}
th,td{border-bottom:1px solid var(--line);padding:4px 10px 4px 0;text-align:left;vertical-align:top}
th{font-weight:600;color:var(--muted);white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap;padding-left:10px}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px;margin:8px 0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
figure.chart{margin:10px 0 16px}
figure.chart svg{max-width:100%;height:auto;display:block}
figcaption{font-size:12px;color:var(--muted);margin-top:2px}
.na{color:#7a5b00;background:#fff8e1;border-left:3px solid #e6b800;padding:6px 10px;margin:6px 0}
.note{color:var(--muted);font-size:13px}
.badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;font-weight:600;background:#e8ebee;color:#333;white-space:nowrap}
.b-succeeded,.b-high,.b-ok,.b-kept,.b-clean{background:#dff3e4;color:#1d6b35}
.b-failed,.b-no_result,.b-leak,.b-leaks_found,.b-unverified,.b-low{background:#fbe1df;color:#9b2c22}
.b-missing,.b-running,.b-medium,.b-suspicious,.b-interrupted,.b-leaks_excluded{background:#fff0cc;color:#7a5b00}
.b-skipped,.b-pending,.b-no_signal,.b-dropped{background:#eceff1;color:#555}
ul.reasons{margin:4px 0 8px;padding-left:20px}
.err{color:#9b2c22}
section.target{margin-top:8px}
footer{padding:14px 28px;color:var(--muted);font-size:12px;border-top:1px solid var(--line)}
@media print{nav.toc{display:none}h2{break-before:auto}figure.chart{break-inside:avoid}}
`;
