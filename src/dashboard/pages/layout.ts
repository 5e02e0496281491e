/** The dashboard's page shell: navigation, the report's stylesheet plus its own, no inline script. */
import { REPORT_CSS } from "../../report/html.js";
import { html, type Html } from "../../report/safe-html.js";

export const DASHBOARD_CSS = `${REPORT_CSS}
header.top nav a{margin-right:14px}
form.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:end;margin:14px 0}
form.filters label{display:flex;flex-direction:column;font-size:12px;color:var(--muted)}
form.filters input,form.filters select,form.filters button{font:inherit;padding:3px 6px}
.live{border:1px solid var(--line);background:var(--panel);padding:8px 12px;margin:12px 0}
.delta-pos{color:#1d6b35}.delta-neg{color:#9b2c22}
`;

export function page(title: string, body: Html, opts: { scripts?: string[]; nav?: Html } = {}): string {
  return html`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · FoxML</title>
<link rel="stylesheet" href="/static/dashboard.css">
${(opts.scripts ?? []).map((s) => html`<script src="${s}" defer></script>`)}
</head>
<body>
<header class="top"><h1>${title}</h1><nav><a href="/">Runs</a><a href="/compare">Compare</a></nav></header>
${opts.nav ?? ""}
<main>
${body}
</main>
<footer>FoxML dashboard: read-only views of the run folders; every figure is read from their files.</footer>
</body>
</html>
`.value;
}
