/**
 * Building blocks shared by the report's sections: chart figures, tables, "not available" notes and
 * status badges. Everything user-supplied passes through the escaping `html` template.
 */
import type { TopLevelSpec } from "vega-lite";
import { renderSvg } from "./charts.js";
import { html, trustedHtml, type Html } from "./safe-html.js";

/** Renders the charts of one report in order, each with its own id prefix (c1, c2, ...). */
export class ChartRenderer {
  private next = 0;

  /** The chart as a figure, or `empty` (a "not available" note) when there is no spec. */
  async figure(spec: TopLevelSpec | null, caption: string, empty: Html): Promise<Html> {
    if (spec === null) return empty;
    this.next += 1;
    const svg = await renderSvg(spec, `c${this.next}`);
    return html`<figure class="chart">${trustedHtml(svg)}<figcaption>${caption}</figcaption></figure>`;
  }
}

export interface Column {
  label: string;
  /** Right-aligned, tabular figures. */
  num?: boolean;
  /** Hover text explaining the column. */
  help?: string;
}

/** A table; cells are escaped unless they are Html. */
export function table(columns: readonly Column[], rows: readonly unknown[][], opts: { cls?: string } = {}): Html {
  const head = columns.map((c) => html`<th${c.num ? html` class="num"` : ""}${c.help ? html` title="${c.help}"` : ""}>${c.label}</th>`);
  const body = rows.map((r) => html`<tr>${r.map((cell, i) => html`<td${columns[i]?.num ? html` class="num"` : ""}>${cell}</td>`)}</tr>`);
  return html`<div class="scroll"><table${opts.cls ? html` class="${opts.cls}"` : ""}><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** "Not available" note: what is missing, the file it would come from, and why that may be. */
export function notAvailable(what: string, file: string | null, why?: string): Html {
  return html`<p class="na"><strong>${what}: not available.</strong>${file ? html` <code>${file}</code> is missing from the run folder.` : ""}${why ? ` ${why}` : ""}</p>`;
}

const BADGE_CLASSES = new Set(["succeeded", "failed", "no_result", "running", "skipped", "pending", "interrupted", "no_signal", "high", "medium", "low", "ok", "leak", "suspicious", "kept", "dropped", "clean", "leaks_excluded", "unverified", "leaks_found", "missing"]);

/** A coloured label for a status or tier; unknown values get the neutral style. */
export function badge(value: string): Html {
  const cls = value.toLowerCase();
  return html`<span class="badge b-${BADGE_CLASSES.has(cls) ? cls : "other"}">${value}</span>`;
}
