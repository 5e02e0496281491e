/**
 * Run-level sections of the report: header and stage timeline, headline figures, the target
 * ranking, the leakage overview, failures, warnings, and the list of files read.
 */
import { count, duration, figure, fixed, signed, timestamp, MISSING } from "./format.js";
import { badge, notAvailable, table, type ChartRenderer, type Column } from "./blocks.js";
import { RUN_FILES, type RunData, type TargetData } from "./read-run.js";
import { html, type Html } from "./safe-html.js";
import { leakageSpec, targetRankingSpec, type LeakageFinding } from "./specs.js";

/** Why a stage's output is absent, in one sentence, from summary.json (and the status file for one target). */
export function stageNote(data: RunData, stage: string, target?: string): string {
  const failedJob = target === undefined ? undefined : data.status?.records.find((r) => r.stage === stage && r.target === target && r.status === "failed");
  if (failedJob?.error) return `The ${stage} stage failed for this target: ${failedJob.error.type}: ${failedJob.error.message}`;
  if (data.summary === null) return "summary.json is missing as well, so the run's progress is unknown.";
  const s = data.summary.stages[stage];
  if (s === undefined) {
    const why = data.summary.status === "failed" ? " (the run failed before it)" : data.summary.status === "running" ? " (the run is still running, or was stopped)" : "";
    return `The ${stage} stage did not run${why}.`;
  }
  if (s.status === "failed") {
    const e = s.errors[0];
    return `The ${stage} stage failed${e ? `: ${e.type}: ${e.message}` : ""}.`;
  }
  if (s.status === "skipped") return `The ${stage} stage was skipped${s.outcome ? `: ${s.outcome}` : ""}.`;
  if (s.status === "interrupted" || s.status === "running") return `The ${stage} stage was ${s.status === "running" ? "still running" : "interrupted"} when the files were read.`;
  if (s.status === "pending") return `The ${stage} stage had not started.`;
  return target === undefined ? `The ${stage} stage finished without writing it.` : `The ${stage} stage finished without writing it for this target.`;
}

function fingerprint(fp: unknown): string {
  if (typeof fp === "string") return fp.length > 24 ? `${fp.slice(0, 24)}…` : fp;
  if (fp !== null && typeof fp === "object") {
    const rec = fp as Record<string, unknown>;
    for (const key of ["combined", "hash", "sha256"]) if (typeof rec[key] === "string") return fingerprint(rec[key]);
    return "(structured; see manifest.json)";
  }
  return MISSING;
}

export function headerSection(data: RunData): Html {
  const m = data.manifest;
  const s = data.summary;
  const h = s?.headline ?? {};
  const hash = m?.config.hash ?? s?.config_hash ?? null;
  const facts: Array<[string, unknown]> = [
    ["Experiment", m?.name ?? s?.name ?? MISSING],
    ["Run id", html`<code>${m?.run_id ?? s?.run_id ?? MISSING}</code>`],
    ["Status", s ? badge(s.status) : html`${MISSING} <span class="note">(summary.json missing)</span>`],
    ["Data range", h.date_range !== undefined ? figure(h.date_range) : MISSING],
    ["Universe", h.symbols !== undefined ? `${figure(h.symbols)} symbols, ${figure(h.bars ?? MISSING)} bars, interval ${figure(h.interval ?? MISSING)}` : MISSING],
    ["Seed", m ? String(m.seed) : MISSING],
    ["Config hash", hash ? html`<code title="${hash}">${hash.slice(0, 16)}</code>` : MISSING],
    ["Data fingerprint", m ? html`<code>${fingerprint(m.data_fingerprint)}</code>` : MISSING],
    ["Started", timestamp(s?.started_at ?? m?.created_at)],
    ["Finished", timestamp(s?.finished_at)],
    ["Duration", duration(s?.duration_s)],
  ];
  if (s && s.resumed_at.length > 0) facts.push(["Resumed", s.resumed_at.map(timestamp).join(", ")]);
  if (m) {
    facts.push(["FoxML / Node", `${m.versions.foxml} / ${m.versions.node}`]);
    facts.push(["Git commit", m.git ? html`<code>${m.git.commit.slice(0, 12)}</code>${m.git.dirty ? " (uncommitted changes)" : ""}` : MISSING]);
    facts.push(["Command", html`<code>foxml ${m.command.argv.join(" ")}</code>`]);
    facts.push(["Machine", `${m.platform.os} ${m.platform.arch}, ${m.platform.cpus} CPUs, ${m.platform.memory_gb} GB`]);
  }
  const stages = s
    ? table(
        [{ label: "Stage" }, { label: "Status" }, { label: "Duration", num: true }, { label: "Warnings", num: true }, { label: "Errors", num: true }, { label: "Outcome" }],
        Object.entries(s.stages).map(([name, st]) => [
          name,
          badge(st.status),
          duration(st.duration_s),
          count(st.warnings.reduce((a, w) => a + w.count, 0) + st.other_warnings),
          count(st.errors.length + st.other_errors),
          st.outcome ?? "",
        ]),
      )
    : notAvailable("Stage timeline", RUN_FILES.summary);
  const headlineRows = Object.entries(h).map(([k, v]) => [k, figure(v)]);
  const headline = s
    ? headlineRows.length > 0
      ? table([{ label: "Figure" }, { label: "Value", num: true }], headlineRows)
      : html`<p class="note">No headline figures were recorded.</p>`
    : notAvailable("Headline figures", RUN_FILES.summary);
  return html`<section id="overview"><h2>Overview</h2>
<dl class="facts">${facts.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>
<h3>Headline figures</h3>${headline}
<h3>Stages</h3>${stages}
</section>`;
}

export async function rankingsSection(data: RunData, charts: ChartRenderer): Promise<Html> {
  const r = data.rankings;
  if (r === null) {
    return html`<section id="rankings"><h2>Target ranking</h2>${notAvailable("Target ranking", RUN_FILES.rankings, stageNote(data, "ranking"))}</section>`;
  }
  const rows = r.targets.slice().sort((a, b) => a.rank - b.rank);
  const columns: Column[] = [
    { label: "Rank", num: true },
    { label: "Target" },
    { label: "Type" },
    { label: "Horizon", num: true },
    { label: "Metric" },
    { label: "Skill", num: true, help: "out-of-sample skill above no skill, mean over families" },
    { label: "Stability", num: true, help: "share of folds and symbols with the sign of the mean skill" },
    { label: "Agreement", num: true, help: "mean correlation of the families' out-of-fold predictions" },
    { label: "t", num: true, help: "t-statistic of the skill across time blocks (best family)" },
    { label: "Composite", num: true },
    ...r.families.map((f) => ({ label: f, num: true, help: `skill of ${f}` })),
    { label: "Status" },
    { label: "Reason" },
  ];
  const body = rows.map((t) => [
    t.rank,
    t.target,
    t.type,
    t.horizon,
    t.metric,
    signed(t.skill, 4),
    fixed(t.stability, 2),
    fixed(t.agreement, 2),
    fixed(t.t_stat, 2),
    fixed(t.composite, 3),
    ...r.families.map((f) => signed(t.by_family[f]?.score ?? null, 4)),
    badge(t.kept ? "kept" : "dropped"),
    t.reason,
  ]);
  const chart = await charts.figure(targetRankingSpec(r), "Composite score and skill per target, best first; grey: dropped.", html`<p class="note">No target was ranked.</p>`);
  return html`<section id="rankings"><h2>Target ranking</h2>
<p>${count(r.targets.length)} target(s) scored by ${r.families.length > 0 ? r.families.join(", ") : "no family"}; composite weights: skill ${fixed(r.weights.skill, 2)}, stability ${fixed(r.weights.stability, 2)}, agreement ${fixed(r.weights.agreement, 2)}.
Kept for selection and training: ${r.kept.length > 0 ? r.kept.map((k, i) => html`${i > 0 ? ", " : ""}<code>${k}</code>`) : "none"}.</p>
${chart}
${table(columns, body)}
</section>`;
}

/** Excluded and suspicious features per target, from the full reports where present, else the run-level summary. */
export function leakageFindings(targets: readonly TargetData[]): LeakageFinding[] {
  const out: LeakageFinding[] = [];
  for (const t of targets) {
    const excluded = new Set<string>(t.leakage ? t.leakage.excluded.map((e) => e.feature) : (t.leakageSummary?.excluded.map((e) => e.feature) ?? []));
    const suspicious = t.leakage
      ? Object.entries(t.leakage.features)
          .filter(([, f]) => f.verdict === "SUSPICIOUS")
          .map(([n]) => n)
      : (t.leakageSummary?.suspicious ?? []);
    for (const f of excluded) out.push({ target: t.name, feature: f, finding: "excluded (leak)" });
    for (const f of suspicious) if (!excluded.has(f)) out.push({ target: t.name, feature: f, finding: "suspicious (kept)" });
  }
  return out;
}

export async function leakageOverviewSection(data: RunData, charts: ChartRenderer): Promise<Html> {
  const gated = data.targets.filter((t) => t.leakage !== null || t.leakageSummary !== null);
  if (gated.length === 0) {
    return html`<section id="leakage"><h2>Leakage findings</h2>${notAvailable("Leakage findings", RUN_FILES.leakage, stageNote(data, "leakage"))}</section>`;
  }
  const findings = leakageFindings(gated);
  const names = gated.map((t) => t.name);
  const chart = await charts.figure(
    leakageSpec(findings, names),
    "Features the leakage gate excluded (red) or flagged for review (amber), per target.",
    html`<p class="note">No feature was excluded or flagged as suspicious for any of the ${gated.length} target(s) checked.</p>`,
  );
  const rows = gated.map((t) => {
    const full = t.leakage;
    const status = full?.status ?? t.leakageSummary?.status ?? MISSING;
    const verdict = full?.verdict ?? t.leakageSummary?.verdict ?? MISSING;
    const mine = findings.filter((f) => f.target === t.name);
    return [
      t.name,
      badge(status),
      badge(verdict),
      full ? count(full.rounds[0]?.features_checked ?? null) : MISSING,
      full ? count(full.rounds.length) : MISSING,
      count(mine.filter((f) => f.finding === "excluded (leak)").length),
      count(mine.filter((f) => f.finding === "suspicious (kept)").length),
    ];
  });
  const runWide = data.leakage?.excluded ?? [];
  const missingReports = gated.filter((t) => t.leakage === null).map((t) => t.name);
  return html`<section id="leakage"><h2>Leakage findings</h2>
${chart}
${table([{ label: "Target" }, { label: "Gate status" }, { label: "Verdict" }, { label: "Features checked", num: true }, { label: "Rounds", num: true }, { label: "Excluded", num: true }, { label: "Suspicious", num: true }], rows)}
${data.leakage ? html`<p>Excluded for the whole run (a feature that leaks for one target reads the future for all): ${runWide.length > 0 ? runWide.map((f, i) => html`${i > 0 ? ", " : ""}<code>${f}</code>`) : "none"}.</p>` : notAvailable("Run-wide exclusion list", RUN_FILES.leakage, stageNote(data, "leakage"))}
${missingReports.length > 0 ? html`<p class="note">No full gate report for ${missingReports.join(", ")}; figures above come from ${RUN_FILES.leakage}.</p>` : ""}
</section>`;
}

export function statusSection(data: RunData): Html {
  const st = data.status;
  const failedStages = data.summary ? Object.entries(data.summary.stages).filter(([, s]) => s.status === "failed") : [];
  const stagePart =
    failedStages.length > 0
      ? html`<h3>Failed stages</h3>${table(
          [{ label: "Stage" }, { label: "Error" }, { label: "Message" }, { label: "Hint" }],
          failedStages.flatMap(([name, s]) => (s.errors.length > 0 ? s.errors : [{ type: MISSING, message: "(no error recorded)", hint: undefined }]).map((e) => [name, e.type, html`<span class="err">${e.message}</span>`, e.hint ?? ""])),
        )}`
      : "";
  const runErrors =
    data.summary && data.summary.errors.length > 0
      ? html`<h3>Errors that ended the run</h3>${table([{ label: "Error" }, { label: "Message" }, { label: "Hint" }], data.summary.errors.map((e) => [e.type, html`<span class="err">${e.message}</span>`, e.hint ?? ""]))}`
      : "";
  if (st === null) {
    return html`<section id="status"><h2>Failures and status</h2>${notAvailable("Per-job status", RUN_FILES.status, "It is written once training starts; the stages above show how far the run got.")}${stagePart}${runErrors}</section>`;
  }
  const failed = st.records.filter((r) => r.status === "failed");
  const other = st.records.filter((r) => r.status === "no_signal" || r.status === "skipped");
  const who = (r: (typeof st.records)[number]) => [r.stage, r.target ?? "", r.family ?? "", r.symbol ?? ""];
  const counts = (["succeeded", "failed", "no_signal", "skipped"] as const).map((k, i) => html`${i > 0 ? ", " : ""}${count(st.counts[k] ?? 0)} ${k.replace("_", " ")}`);
  return html`<section id="status"><h2>Failures and status</h2>
<p>Jobs recorded in ${RUN_FILES.status}: ${counts}.</p>
${
  failed.length > 0
    ? html`<h3>What failed and why</h3>${table(
        [{ label: "Stage" }, { label: "Target" }, { label: "Family" }, { label: "Symbol" }, { label: "Error" }, { label: "Message" }, { label: "Seconds", num: true }],
        failed.map((r) => [...who(r), r.error?.type ?? MISSING, html`<span class="err">${r.error?.message ?? "(no message recorded)"}</span>`, fixed(r.seconds, 1)]),
      )}`
    : html`<p>No job failed.</p>`
}
${
  other.length > 0
    ? html`<h3>Without a result</h3>${table(
        [{ label: "Stage" }, { label: "Target" }, { label: "Family" }, { label: "Symbol" }, { label: "Status" }, { label: "Score", num: true }],
        other.map((r) => [...who(r), badge(r.status), signed(r.score, 4)]),
      )}`
    : ""
}
${stagePart}${runErrors}
</section>`;
}

export function warningsSection(data: RunData): Html {
  const s = data.summary;
  if (s === null) return html`<section id="warnings"><h2>Warnings and errors</h2>${notAvailable("Warnings", RUN_FILES.summary)}</section>`;
  const rows: unknown[][] = [];
  for (const [stage, st] of Object.entries(s.stages)) {
    for (const w of st.warnings) rows.push([stage, w.message, count(w.count), (w.examples ?? []).map((e) => html`<div><code>${e}</code></div>`)]);
    if (st.other_warnings > 0) rows.push([stage, "(further distinct warnings not listed; see logs.jsonl)", count(st.other_warnings), ""]);
  }
  const errors: unknown[][] = [];
  for (const [stage, st] of Object.entries(s.stages)) {
    for (const e of st.errors) errors.push([stage, e.type, html`<span class="err">${e.message}</span>`, e.hint ?? ""]);
    if (st.other_errors > 0) errors.push([stage, "", `${count(st.other_errors)} more (see logs.jsonl)`, ""]);
  }
  for (const e of s.errors) errors.push(["(run)", e.type, html`<span class="err">${e.message}</span>`, e.hint ?? ""]);
  return html`<section id="warnings"><h2>Warnings and errors</h2>
<p>${count(s.warnings_total)} warning(s) and ${count(s.errors_total)} error(s) in total; the same warning is listed once with its count.</p>
${rows.length > 0 ? table([{ label: "Stage" }, { label: "Warning" }, { label: "Count", num: true }, { label: "Examples" }], rows) : html`<p>No warnings.</p>`}
${errors.length > 0 ? html`<h3>Errors</h3>${table([{ label: "Stage" }, { label: "Error" }, { label: "Message" }, { label: "Hint" }], errors)}` : ""}
</section>`;
}

export function inputsSection(data: RunData): Html {
  const runFiles = Object.values(RUN_FILES).map((f) => [html`<code>${f}</code>`, data.missing.includes(f) ? badge("missing") : badge("ok")]);
  const perTarget = data.targets.map((t) => [
    t.name,
    t.selection ? "yes" : "no",
    t.leakage ? "yes" : "no",
    t.training.length > 0 ? `${t.training.length} famil${t.training.length === 1 ? "y" : "ies"}` : "no",
    t.evaluation ? "yes" : "no",
  ]);
  return html`<section id="inputs"><h2>Files read</h2>
${table([{ label: "Run file" }, { label: "" }], runFiles)}
${perTarget.length > 0 ? table([{ label: "Target" }, { label: "Selection" }, { label: "Leakage report" }, { label: "Training" }, { label: "Evaluation" }], perTarget) : ""}
${data.notes.length > 0 ? html`<h3>Inconsistencies</h3><ul>${data.notes.map((n) => html`<li>${n}</li>`)}</ul>` : ""}
</section>`;
}
