/** Escaping and the page shell shared by every static page: no script, one stylesheet, a skip link. */
import { escapeHtml } from "../../../src/report/safe-html.js";

export const esc = escapeHtml;

/** Placeholder the server replaces with a per-visitor CSRF token when it serves a page with a form. */
export const CSRF_PLACEHOLDER = "__FOXML_CSRF_TOKEN__";

export interface NavItem {
  href: string;
  label: string;
}

export const NAV: NavItem[] = [
  { href: "/", label: "Home" },
  { href: "/pricing.html", label: "Pricing" },
  { href: "/docs/index.html", label: "Docs" },
  { href: "/overview.html", label: "System overview" },
  { href: "/request-access.html", label: "Request access" },
];

export function shell(title: string, current: string, body: string, description = "FoxML: a leakage-safe research, training and trading engine for quantitative finance, in TypeScript."): string {
  const nav = NAV.map((n) => `<a href="${n.href}"${n.href === current ? ' aria-current="page"' : ""}>${esc(n.label)}</a>`).join("");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="description" content="${esc(description)}">
<title>${esc(title)} · FoxML</title>
<link rel="stylesheet" href="/assets/site.css">
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site"><a class="brand" href="/">FoxML</a><nav aria-label="Main">${nav}</nav></header>
<main id="main">
${body}
</main>
<footer class="site"><p>FoxML is open source (MIT). <a href="/docs/index.html">Documentation</a> · <a href="/request-access.html">Contact sales</a></p></footer>
</body>
</html>
`;
}

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#0b5c8c"/><path d="M7 24V8h13v4h-8v3h7v4h-7v5z" fill="#fff"/></svg>
`;

export const SITE_CSS = `
:root{--fg:#14181c;--muted:#4a545e;--line:#d4dae0;--bg:#fff;--panel:#f3f5f7;--accent:#0b5c8c;--accent-fg:#fff}
*{box-sizing:border-box}
body{margin:0;font:16px/1.55 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}
a:focus,button:focus,input:focus,textarea:focus,select:focus{outline:3px solid #f0a500;outline-offset:2px}
.skip{position:absolute;left:-9999px}.skip:focus{left:8px;top:8px;background:#fff;padding:6px;z-index:2}
header.site{display:flex;flex-wrap:wrap;align-items:center;gap:8px 20px;padding:14px 20px;border-bottom:1px solid var(--line)}
header.site .brand{font-weight:700;font-size:20px;text-decoration:none;color:var(--fg)}
header.site nav{display:flex;flex-wrap:wrap;gap:6px 16px}
header.site nav a[aria-current=page]{font-weight:700;text-decoration:none;color:var(--fg)}
main{max-width:980px;margin:0 auto;padding:20px}
footer.site{border-top:1px solid var(--line);padding:14px 20px;color:var(--muted);font-size:14px}
h1{font-size:32px;line-height:1.2;margin:10px 0 12px}h2{font-size:22px;margin:28px 0 10px}
.lead{font-size:19px;color:var(--muted)}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(250px,1fr));gap:16px}
.card{border:1px solid var(--line);border-radius:8px;padding:16px;background:var(--bg)}
.card h3{margin-top:0}
.price{font-size:28px;font-weight:700}.price small{font-size:15px;color:var(--muted);font-weight:400}
button,.button{display:inline-block;background:var(--accent);color:var(--accent-fg);border:0;border-radius:6px;padding:10px 16px;font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
table{border-collapse:collapse;width:100%;font-size:15px}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}
form.stack{display:grid;gap:12px;max-width:520px}
form.stack label{display:grid;gap:4px;font-weight:600}
form.stack input,form.stack textarea,form.stack select{font:inherit;padding:8px;border:1px solid #8a949e;border-radius:4px}
.note{color:var(--muted);font-size:14px}
.notice{background:var(--panel);border-left:4px solid var(--accent);padding:10px 14px}
.error{background:#fdecea;border-left:4px solid #b3261e;padding:10px 14px}
code,pre{font:14px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:var(--panel)}
pre{padding:12px;overflow-x:auto;border-radius:6px}code{padding:1px 4px;border-radius:3px}
nav.docs{font-size:15px;border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin-bottom:18px}
`;
