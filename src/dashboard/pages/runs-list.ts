/** `/`: every indexed run, newest first, filtered by name, status and age, with boxes to compare. */
import { DISPLAY_STATUSES, type RunList } from "../../registry/queries.js";
import { headlineColumns } from "../../registry/render.js";
import { badge } from "../../report/blocks.js";
import { duration, figure, timestamp } from "../../report/format.js";
import { html } from "../../report/safe-html.js";
import { page } from "./layout.js";

export interface ListQuery {
  name?: string;
  status?: string;
  since?: string;
}

export function runsListPage(list: RunList, q: ListQuery, problem?: string): string {
  const figures = headlineColumns(list.runs);
  const filters = html`<form class="filters" method="get" action="/">
<label>Name (glob)<input name="name" value="${q.name ?? ""}" placeholder="e.g. sweep-*"></label>
<label>Status<select name="status"><option value="">any</option>${DISPLAY_STATUSES.map((s) => html`<option value="${s}"${s === q.status ? html` selected` : ""}>${s}</option>`)}</select></label>
<label>Since<input name="since" value="${q.since ?? ""}" placeholder="7d or 2026-11-28"></label>
<button type="submit">Filter</button>
</form>`;
  const rows = list.runs.map(
    (r) => html`<tr>
<td><input type="checkbox" name="ids" value="${r.id}" form="compare" aria-label="compare ${r.id}"></td>
<td><a href="/runs/${encodeURIComponent(r.id)}">${r.id}</a></td>
<td>${r.name}</td>
<td>${badge(r.status)}</td>
<td>${timestamp(r.createdAt)}</td>
<td class="num">${duration(r.durationS)}</td>
<td class="num">${r.warningsTotal}</td>
${figures.map((k) => html`<td class="num">${figure(r.headline[k] as number | string | null | undefined)}</td>`)}
</tr>`,
  );
  const body = html`${filters}
${problem ? html`<p class="na">${problem}</p>` : ""}
<p class="note">${list.runs.length} of ${list.total} run(s)${list.missingHidden ? html`; ${list.missingHidden} whose folders are gone are hidden (status: missing shows them)` : ""}.</p>
<form id="compare" method="get" action="/compare"><button type="submit">Compare selected</button></form>
<div class="scroll"><table class="runs">
<thead><tr><th></th><th>run</th><th>name</th><th>status</th><th>started</th><th class="num">duration</th><th class="num">warnings</th>${figures.map((k) => html`<th class="num">${k}</th>`)}</tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
  return page("Runs", body);
}
