/**
 * "Where the time went": the stage-timing table of summary.json (wall and CPU seconds per stage,
 * its share of the run, jobs computed against jobs reused from the job store), so a slow run shows
 * which stage to look at and a resumed one shows what it did not recompute.
 */
import { timingTable, type RunSummaryData, type TimingRow } from "../runs/summary.js";
import { badge, notAvailable, table } from "./blocks.js";
import { count, duration, fixed, percent, timestamp, MISSING } from "./format.js";
import { RUN_FILES, type RunData } from "./read-run.js";
import { html, type Html } from "./safe-html.js";

/** The table's rows: summary.json's `timings`, or (a summary written before it existed) rebuilt from its stages. */
export function timingRows(summary: RunSummaryData): TimingRow[] {
  return summary.timings.length > 0 ? summary.timings : timingTable(summary);
}

export function timingSection(data: RunData): Html {
  const s = data.summary;
  if (s === null) return html`<section id="timing"><h2>Where the time went</h2>${notAvailable("Stage timings", RUN_FILES.summary)}</section>`;
  const rows = timingRows(s);
  const ran = rows.filter((r) => r.wall_s !== null);
  const wall = ran.reduce((a, r) => a + (r.wall_s ?? 0), 0);
  const cpuKnown = ran.filter((r) => r.cpu_s !== null);
  const cpu = cpuKnown.reduce((a, r) => a + (r.cpu_s ?? 0), 0);
  const total = s.duration_s ?? wall;
  const cells = rows.map((r) => [
    r.stage,
    r.reused ? html`${badge(r.status)} <span class="note">(loaded)</span>` : badge(r.status),
    timestamp(r.started_at),
    timestamp(r.finished_at),
    duration(r.wall_s),
    duration(r.cpu_s),
    r.wall_s !== null && r.cpu_s !== null && r.wall_s > 0 ? fixed(r.cpu_s / r.wall_s, 2) : MISSING,
    r.wall_s !== null && total > 0 ? percent(r.wall_s / total) : MISSING,
    count(r.jobs_run),
    count(r.jobs_reused),
  ]);
  cells.push([
    html`<strong>all stages</strong>`,
    badge(s.status),
    timestamp(s.started_at),
    timestamp(s.finished_at),
    duration(wall),
    cpuKnown.length > 0 ? duration(cpu) : MISSING,
    cpuKnown.length > 0 && wall > 0 ? fixed(cpu / wall, 2) : MISSING,
    total > 0 ? percent(wall / total) : MISSING,
    count(rows.reduce((a, r) => a + r.jobs_run, 0)),
    count(rows.reduce((a, r) => a + r.jobs_reused, 0)),
  ]);
  const reused = rows.filter((r) => r.reused).map((r) => r.stage);
  return html`<section id="timing"><h2>Where the time went</h2>
<p class="note">Wall and CPU seconds per stage (CPU counts every thread of the process, so it can exceed wall time), each stage's share of the run's ${duration(total)}, and the jobs it computed against those it took from an earlier attempt of the run (<code>--resume</code>).${reused.length > 0 ? ` Loaded from the job store instead of recomputed, their inputs unchanged: ${reused.join(", ")}.` : ""}</p>
${table(
  [
    { label: "Stage" },
    { label: "Status" },
    { label: "Started" },
    { label: "Finished" },
    { label: "Wall", num: true },
    { label: "CPU", num: true, help: "CPU seconds of the whole process while the stage ran" },
    { label: "CPU / wall", num: true, help: "how many cores the stage kept busy on average" },
    { label: "Share of run", num: true },
    { label: "Jobs run", num: true, help: "jobs of the job store this stage computed" },
    { label: "Jobs reused", num: true, help: "jobs taken from an earlier attempt of this run" },
  ],
  cells,
)}
</section>`;
}
