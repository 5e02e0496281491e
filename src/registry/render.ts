/**
 * The text views of `foxml runs list | show | compare`. Pure functions of the registry's results,
 * so the CLI stays thin and the views are testable without a terminal.
 */
import type { RunComparison, FigureComparison } from "./compare.js";
import { clip, clipMiddle, formatDelta, formatDuration, formatFigure, renderFields, renderTable, shortHash, type Align } from "./format.js";
import type { RunDetails, RunList, RunListEntry } from "./queries.js";
import type { SyncReport } from "./registry.js";

const MAX_FIGURE_COLUMNS = 6;
const MAX_CONFIG_VALUE = 40;

/** Headline keys worth a column: the most common among the listed runs, in order of first appearance. */
export function headlineColumns(runs: readonly RunListEntry[], max = MAX_FIGURE_COLUMNS): string[] {
  const counts = new Map<string, number>();
  for (const r of runs) for (const k of Object.keys(r.headline)) counts.set(k, (counts.get(k) ?? 0) + 1);
  const order = [...counts.keys()];
  return [...order].sort((a, b) => counts.get(b)! - counts.get(a)! || order.indexOf(a) - order.indexOf(b)).slice(0, max);
}

export function renderRunList(list: RunList, opts: { figures?: readonly string[]; runsDir: string }): string {
  if (list.runs.length === 0) {
    const hidden = list.missingHidden > 0 ? ` (${list.missingHidden} whose folders were deleted: --status missing)` : "";
    return `no runs in ${opts.runsDir} match${hidden}\n`;
  }
  const keys = opts.figures ?? headlineColumns(list.runs);
  const header = ["ID", "STATUS", "DURATION", "WARNINGS", ...keys.map((k) => k.toUpperCase())];
  const align: Align[] = ["left", "left", "right", "right", ...keys.map((): Align => "right")];
  const rows = list.runs.map((r) => [r.id, r.status, formatDuration(r.durationS), String(r.warningsTotal), ...keys.map((k) => clip(formatFigure(r.headline[k] ?? null), 24))]);
  let out = renderTable(header, rows, align);
  const notes: string[] = [];
  if (list.total > list.runs.length) notes.push(`showing ${list.runs.length} of ${list.total} runs (--limit N for more)`);
  if (list.missingHidden > 0) notes.push(`${list.missingHidden} run(s) whose folders were deleted are hidden (--status missing lists them)`);
  if (notes.length > 0) out += notes.map((n) => `(${n})\n`).join("");
  return out;
}

export function renderRunDetails(r: RunDetails): string {
  const git = r.gitCommit === null ? "-" : `${r.gitCommit}${r.gitDirty ? " (uncommitted changes)" : ""}`;
  const fields: [string, string][] = [
    ["name", r.experiment !== null && r.experiment !== r.name ? `${r.name} (experiment ${r.experiment})` : r.name],
    ["status", r.status === "missing" ? `missing: folder deleted (last seen ${r.runStatus}, noticed ${r.missingSince})` : r.status],
    ["folder", r.dir],
    ["created", r.createdAt],
    ["finished", r.finishedAt ?? "-"],
    ["duration", formatDuration(r.durationS)],
    ["config hash", r.configHash],
    ["data", r.dataFingerprint ?? "- (no data fingerprint recorded)"],
    ["seed", String(r.seed)],
    ["git commit", git],
    ["versions", `foxml ${r.foxmlVersion}, node ${r.nodeVersion}`],
    ["command", ["foxml", ...r.command].join(" ")],
  ];
  if (r.resumedAt.length > 0) fields.push(["resumed", r.resumedAt.join(", ")]);
  if (r.targets.length > 0) fields.push(["targets", r.targets.join(", ")]);
  if (r.families.length > 0) fields.push(["families", r.families.map((f) => (f.variant === "" ? f.name : `${f.name}/${f.variant}`)).join(", ")]);
  let out = `run ${r.id}\n${renderFields(fields)}`;

  const headline = Object.entries(r.headline);
  if (headline.length > 0) out += `\nheadline\n${renderFields(headline.map(([k, v]) => [k, formatFigure(v)]))}`;

  if (r.stages.length > 0) {
    out += `\nstages\n`;
    const rows = r.stages.map((s) => [s.name, s.status, formatDuration(s.durationS), s.outcome ?? ""]);
    out += indent(renderTable(["STAGE", "STATUS", "DURATION", "OUTCOME"], rows, ["left", "left", "right", "left"]));
    const figures = r.stages.flatMap((s) => [...Object.entries(s.figures), ...Object.entries(s.counts)].map(([k, v]): [string, string] => [`${s.name}.${k}`, formatFigure(v)]));
    if (figures.length > 0) out += `\nstage figures\n${renderFields(figures)}`;
  }

  if (r.metrics.length > 0) {
    const rows = r.metrics.map((m) => [m.stage || "-", m.target || "-", m.family || "-", m.key, formatFigure(m.value)]);
    out += `\nmetrics\n${indent(renderTable(["STAGE", "TARGET", "FAMILY", "KEY", "VALUE"], rows, ["left", "left", "left", "left", "right"]))}`;
  }

  const warnings = r.stages.flatMap((s) => s.warnings.map((w) => ({ stage: s.name, ...w })));
  const otherWarnings = r.stages.reduce((n, s) => n + s.otherWarnings, 0);
  if (r.warningsTotal > 0) {
    out += `\nwarnings (${r.warningsTotal} in all)\n`;
    for (const w of warnings) {
      out += `  ${w.stage}: ${w.message}${w.count > 1 ? ` (x${w.count})` : ""}\n`;
      for (const ex of w.examples) out += `      e.g. ${ex}\n`;
    }
    if (otherWarnings > 0) out += `  ... and ${otherWarnings} more of other kinds\n`;
  }

  const errors = [...r.runErrors.map((e) => ({ stage: "run", ...e })), ...r.stages.flatMap((s) => s.errors.map((e) => ({ stage: s.name, ...e })))];
  if (errors.length > 0) {
    out += `\nerrors (${r.errorsTotal} in all)\n`;
    for (const e of errors) {
      out += `  ${e.stage}: ${e.type}: ${e.message}\n`;
      if (e.hint !== null) out += `      hint: ${e.hint}\n`;
    }
  }
  return out;
}

export function renderComparison(c: RunComparison): string {
  const labels = c.runs.map((_, i) => `[${i + 1}]`);
  let out = "runs (deltas are against [1])\n";
  out += indent(
    renderTable(
      ["", "ID", "STATUS", "DURATION", "CONFIG", "DATA", "SEED", "GIT"],
      c.runs.map((r, i) => [labels[i], r.id, r.status, formatDuration(r.durationS), shortHash(r.configHash), shortHash(r.dataFingerprint), String(r.seed), shortHash(r.gitCommit)]),
      ["left", "left", "left", "right", "left", "left", "right", "left"],
    ),
  );

  out += `\nconfig: `;
  if (c.config.sameHash) out += "identical (same config hash)\n";
  else if (c.config.differences.length === 0 && c.config.unavailable.length === 0) out += "same settings (hashes differ only in values not kept in the manifests, e.g. redacted secrets)\n";
  else {
    out += `${c.config.differences.length} setting(s) differ\n`;
    const rows = c.config.differences.map((d) => [d.path, ...d.values.map((v) => (v === null ? "(absent)" : clipMiddle(v, MAX_CONFIG_VALUE)))]);
    if (rows.length > 0) out += indent(renderTable(["SETTING", ...labels], rows));
  }
  if (c.config.unavailable.length > 0) out += `  (config not available for ${c.config.unavailable.join(", ")})\n`;

  out += `data: ${samenessText(c.dataFingerprint, "same data fingerprint", "different data", "not known for every run (no data fingerprint recorded)")}\n`;
  out += `seed: ${samenessText(c.seed, "same", "different", "unknown")}\n`;
  out += `git commit: ${samenessText(c.gitCommit, "same", "different", "not recorded for every run")}\n`;

  out += figureSection("headline figures", c.headline, labels, (f) => f.key);
  out += figureSection("stage figures", c.stageFigures, labels, (f) => `${f.stage}.${f.key}`);
  out += figureSection("metrics", c.metrics, labels, (f) => [f.stage, f.target, f.family].filter((p) => p !== "").concat(f.key).join(" / "));
  return out;
}

function figureSection(title: string, figures: readonly FigureComparison[], labels: readonly string[], name: (f: FigureComparison) => string): string {
  if (figures.length === 0) return "";
  const rows = figures.map((f) => [
    name(f),
    ...f.values.map((v, i) => {
      const d = formatDelta(f.deltas[i], f.relative[i]);
      return d === "" ? formatFigure(v) : `${formatFigure(v)} ${d}`;
    }),
  ]);
  return `\n${title}\n${indent(renderTable(["", ...labels], rows, ["left", ...labels.map((): Align => "right")]))}`;
}

function samenessText(s: "equal" | "different" | "unknown", equal: string, different: string, unknown: string): string {
  return s === "equal" ? equal : s === "different" ? different : unknown;
}

/** Lines for stderr about folders a sync skipped and about the registry file itself. */
export function renderSyncWarnings(report: SyncReport, notes: readonly string[] = []): string {
  let out = "";
  for (const n of notes) out += `warning: ${n}\n`;
  for (const p of report.problems) {
    out += `warning: skipped run folder ${p.id}: ${p.message}\n`;
    if (p.hint !== undefined) out += `  hint: ${p.hint}\n`;
  }
  return out;
}

function indent(text: string, by = "  "): string {
  return text
    .split("\n")
    .map((l) => (l === "" ? l : by + l))
    .join("\n");
}
