/** The site's pages, as HTML strings from the tiers, the evidence and the rendered docs. */
import type { Tier } from "../config.js";
import { CSRF_PLACEHOLDER, esc, shell } from "./html.js";
import { ratios, type BenchLine, type RunEvidence } from "./evidence.js";
import type { DocPage } from "./markdown.js";

const fmt = (v: unknown): string => (typeof v === "number" ? (Number.isInteger(v) ? v.toLocaleString("en-US") : v.toFixed(4).replace(/0+$/, "").replace(/\.$/, "")) : esc(String(v)));

export function homePage(run: RunEvidence | null, bench: BenchLine[]): string {
  const runBlock = run
    ? `<p>The newest run of the engine on its bundled data, <code>${esc(run.runId)}</code>${run.durationS !== null ? `, took ${Math.round(run.durationS)} s` : ""}:</p>
<div class="scroll"><table class="evidence"><tbody>${Object.entries(run.headline)
        .map(([k, v]) => `<tr><th scope="row">${esc(k.replace(/_/g, " "))}</th><td>${fmt(v)}</td></tr>`)
        .join("")}</tbody></table></div>
<p><a class="button" href="/report.html">Open the full report</a></p>`
    : `<p class="notice">No finished run was found when this site was built; build it after <code>npx foxml run</code> to show a real report here.</p>`;
  const rows = bench.flatMap((b) => ratios(b).map(([ref, r]) => `<tr><td>${esc(b.bench)}</td><td>${esc(b.case)}</td><td>${esc(ref)}</td><td class="num">${r.toFixed(2)}x</td></tr>`));
  const benchBlock = rows.length
    ? `<p>Wall time relative to the reference implementation on the same data and threads (below 1 is faster), as <code>npm run bench</code> recorded it:</p>
<div class="scroll"><table class="bench"><thead><tr><th>benchmark</th><th>case</th><th>reference</th><th class="num">ratio</th></tr></thead><tbody>${rows.join("")}</tbody></table></div>`
    : `<p class="notice">No benchmark results are recorded in <code>bench/results/</code> yet.</p>`;
  return shell(
    "Quant research you can trust",
    "/",
    `<h1>Quant research you can trust, in TypeScript</h1>
<p class="lead">FoxML points at bar data for many symbols and builds leakage-safe features and targets, ranks which targets are predictable, selects features, catches look-ahead leakage on its own, trains model families under purged, nested validation, evaluates them as signals and portfolios, and carries a model into paper and live trading behind risk guardrails.</p>
<div class="grid">
<div class="card"><h3>Honest numbers</h3><p>Purged and embargoed validation, ranking and selection redone inside each outer fold: the headline is what no choice saw.</p></div>
<div class="card"><h3>Leakage caught for you</h3><p>Every feature is checked against every target from several angles before anything is trained, and again on the selected set.</p></div>
<div class="card"><h3>From model to orders</h3><p>One path from signal to positions to orders for backtest, paper replay, Alpaca and Interactive Brokers, with guardrails and a kill switch.</p></div>
</div>
<h2>A real report</h2>
${runBlock}
<h2>Benchmarks</h2>
${benchBlock}
<p><a class="button" href="/docs/tutorials/first-run.html">Start with the first tutorial</a></p>`,
  );
}

function priceText(t: Tier): string {
  if (t.price === null) return "Talk to us";
  if (t.price === 0) return "Free";
  return `${new Intl.NumberFormat("en-US", { style: "currency", currency: t.currency.toUpperCase(), maximumFractionDigits: 0 }).format(t.price)} <small>per ${t.period}</small>`;
}

export function pricingPage(tiers: Tier[]): string {
  const cards = tiers.map((t) => {
    const action = t.stripe_price_id
      ? `<form method="post" action="/api/checkout"><input type="hidden" name="csrf" value="${CSRF_PLACEHOLDER}"><input type="hidden" name="tier" value="${esc(t.id)}"><label class="note">Email for the licence <input type="email" name="email" required autocomplete="email"></label> <button type="submit" data-tier="${esc(t.id)}">${esc(t.cta)}</button></form>`
      : t.price === 0
        ? `<a class="button" href="/docs/tutorials/first-run.html">${esc(t.cta)}</a>`
        : `<a class="button" href="/request-access.html?tier=${encodeURIComponent(t.id)}">${esc(t.cta)}</a>`;
    return `<div class="card tier" id="tier-${esc(t.id)}"><h2>${esc(t.name)}</h2><p class="price">${priceText(t)}</p><ul>${t.features.map((f) => `<li>${esc(f)}</li>`).join("")}</ul>${action}</div>`;
  });
  return shell("Pricing", "/pricing.html", `<h1>Pricing</h1><p class="lead">The engine is open source. Paid tiers add support, hosted runs and enterprise features.</p><div class="grid">${cards.join("")}</div><p class="note">Payments are handled by Stripe Checkout; we never see your card.</p>`);
}

export function requestAccessPage(tiers: Tier[]): string {
  return shell(
    "Request access",
    "/request-access.html",
    `<h1>Request access or contact sales</h1>
<p>Tell us what you are building; we answer within one business day.</p>
<form class="stack" method="post" action="/api/request-access">
<input type="hidden" name="csrf" value="${CSRF_PLACEHOLDER}">
<label for="name">Name<input id="name" name="name" required maxlength="200" autocomplete="name"></label>
<label for="email">Work email<input id="email" name="email" type="email" required maxlength="320" autocomplete="email"></label>
<label for="company">Company<input id="company" name="company" maxlength="200" autocomplete="organization"></label>
<label for="tier">Interested in<select id="tier" name="tier">${tiers.map((t) => `<option value="${esc(t.id)}">${esc(t.name)}</option>`).join("")}</select></label>
<label for="message">Message<textarea id="message" name="message" rows="5" maxlength="5000" required></textarea></label>
<button type="submit">Send</button>
</form>`,
  );
}

export function overviewPage(): string {
  return shell(
    "System overview",
    "/overview.html",
    `<h1>System overview</h1>
<p class="lead">Data flows one way, each layer using only the ones below it.</p>
<ol>
<li><strong>Data</strong>: CSV, Parquet or ticks are read, checked row by row, and aligned into a panel of dense time-by-symbol grids.</li>
<li><strong>Features and targets</strong>: a registry of causal features (each declaring its lookback and lag) and a target grammar (each target declaring its label window).</li>
<li><strong>Leakage scan</strong>: rules, a pre-scan, a quick model and sentinels on every feature and target; leaks excluded automatically.</li>
<li><strong>Ranking and selection</strong>: targets scored by quick models under purged validation; eight importance methods, a consensus and a significance gate.</li>
<li><strong>Training</strong>: gradient-boosted trees, linear, neural and other families through one interface, under purged splitters, with hyperparameter search and ensembles.</li>
<li><strong>Evaluation and nesting</strong>: IC, portfolios with costs, deflated Sharpe; the choices redone inside outer folds for honest figures; confidence tiers.</li>
<li><strong>Trading</strong>: the same path from signal to positions to orders for backtests, paper replay and live brokers, behind guardrails.</li>
<li><strong>Runs</strong>: every run a self-contained folder with manifest, logs, summary and report; a registry, a dashboard, and resumable jobs.</li>
</ol>
<p>The full design, per folder: <a href="/docs/ARCHITECTURE.html">Architecture</a>.</p>`,
  );
}

export function docPage(page: DocPage): string {
  const depth = page.out.split("/").length - 1;
  const up = "../".repeat(depth);
  const nav = `<nav class="docs" aria-label="Documentation"><a href="${up}index.html">All docs</a></nav>`;
  return shell(page.title, "/docs/index.html", `${nav}<article>${page.html}</article>`);
}
