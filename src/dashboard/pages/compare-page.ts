/** `/compare?ids=A&ids=B`: runs side by side: config differences, data sameness, figures with deltas. */
import type { FigureComparison, RunComparison } from "../../registry/compare.js";
import type { RunListEntry } from "../../registry/queries.js";
import { badge, table } from "../../report/blocks.js";
import { figure, signed } from "../../report/format.js";
import { html, type Html } from "../../report/safe-html.js";
import { page } from "./layout.js";

export function comparePickPage(runs: readonly RunListEntry[], problem?: string): string {
  const body = html`${problem ? html`<p class="na">${problem}</p>` : ""}
<p>Pick two or more runs; the first is the baseline.</p>
<form method="get" action="/compare">
${table(
  [{ label: "" }, { label: "run" }, { label: "status" }],
  runs.map((r) => [html`<input type="checkbox" name="ids" value="${r.id}" aria-label="compare ${r.id}">`, r.id, badge(r.status)]),
)}
<button type="submit">Compare</button>
</form>`;
  return page("Compare runs", body);
}

function deltaCell(d: number | null): Html {
  if (d === null) return html``;
  return html`<span class="${d > 0 ? "delta-pos" : d < 0 ? "delta-neg" : ""}">${signed(d, 4)}</span>`;
}

function figureTable(rows: readonly FigureComparison[], c: RunComparison): Html {
  if (rows.length === 0) return html`<p class="note">none</p>`;
  const cols = [{ label: "figure" }, ...c.runs.flatMap((r, i) => (i === 0 ? [{ label: r.id, num: true }] : [{ label: r.id, num: true }, { label: "delta", num: true }]))];
  return table(
    cols,
    rows.map((f) => {
      const label = [f.stage, f.target, f.family, f.key].filter((x) => x !== "").join(" · ");
      const cells: unknown[] = [label];
      f.values.forEach((v, i) => {
        cells.push(figure(v as number | string | null));
        if (i > 0) cells.push(deltaCell(f.deltas[i] ?? null));
      });
      return cells;
    }),
    { cls: "compare" },
  );
}

export function comparePage(c: RunComparison): string {
  const same = (s: string) => badge(s === "equal" ? "same" : s);
  const config = c.config.sameHash
    ? html`<p>Identical configuration (same hash).</p>`
    : table(
        [{ label: "key" }, ...c.runs.map((r) => ({ label: r.id }))],
        c.config.differences.map((d) => [d.path, ...d.values.map((v) => v ?? "(absent)")]),
        { cls: "config-diff" },
      );
  const body = html`<dl class="facts">
<dt>Runs</dt><dd>${c.runs.map((r, i) => html`<a href="/runs/${encodeURIComponent(r.id)}">${r.id}</a>${i === 0 ? " (baseline)" : ""} `)}</dd>
<dt>Data</dt><dd>${same(c.dataFingerprint)}</dd>
<dt>Seed</dt><dd>${same(c.seed)}</dd>
<dt>Code (git commit)</dt><dd>${same(c.gitCommit)}</dd>
</dl>
<h2>Configuration differences</h2>
${config}
${c.config.unavailable.length ? html`<p class="note">No stored configuration for ${c.config.unavailable.join(", ")}.</p>` : ""}
<h2>Headline figures</h2>
${figureTable(c.headline, c)}
<h2>Metrics</h2>
${figureTable(c.metrics, c)}
<h2>Stage figures</h2>
${figureTable(c.stageFigures, c)}`;
  return page("Compare runs", body);
}
