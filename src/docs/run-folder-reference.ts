/**
 * docs/reference/run-folder.md: every file of a run folder, which stage writes it and what it
 * holds, with the fields of each file that has a schema (the schemas the report and the registry
 * validate with, so the page lists exactly what a reader may rely on).
 */
import { z } from "zod";
import { ManifestSchema } from "../runs/manifest.js";
import { SummarySchema } from "../runs/summary.js";
import * as report from "../report/schemas.js";
import { configRows } from "./config-reference.js";
import { code, generatedBanner, table } from "./markdown.js";

interface RunFile {
  path: string;
  stage: string;
  holds: string;
  schema?: z.ZodType;
}

const FILES: RunFile[] = [
  { path: "manifest.json", stage: "start", holds: "resolved config and its hash, data fingerprint, versions, seed, command line, git commit", schema: ManifestSchema },
  { path: "summary.json", stage: "every stage transition", holds: "status, stages with timings, headline metrics, warnings, errors; rewritten atomically", schema: SummarySchema },
  { path: "logs.jsonl", stage: "all", holds: "structured JSON log records (pino), secrets redacted" },
  { path: "data/inspect.json", stage: "data", holds: "the data inspection: files, symbols, interval, gaps, findings per check" },
  { path: "features/features.json", stage: "features", holds: "the features built: name, kind, lookback, lag, left-out features with the reason" },
  { path: "targets/targets.json", stage: "targets", holds: "the targets built: name, kind, label window (bars read after t)" },
  { path: "leakage_report.json", stage: "leakage scan", holds: "scan summary: per target, counts of LEAK / SUSPICIOUS / OK features and exclusions", schema: report.LeakageSummarySchema },
  { path: "leakage/<target>/leakage_report.json", stage: "leakage scan", holds: "per feature, every check with value, threshold and verdict", schema: report.LeakageReportSchema },
  { path: "leakage/exclusions.json", stage: "leakage scan", holds: "features excluded per target and why" },
  { path: "ranking/<target>.json", stage: "ranking", holds: "per target: quick families' scores per fold, skill t-statistic, stability, split plan and its adaptation" },
  { path: "target_rankings.json / .csv", stage: "ranking", holds: "every candidate target ranked by composite score; which continue", schema: report.TargetRankingsSchema },
  { path: "selection/<target>/selection.json", stage: "selection", holds: "per method importances, consensus, clusters, agreement matrix, significance gate per feature, the selected set", schema: report.SelectionSchema },
  { path: "gate/<target>/leakage_report.json", stage: "leakage gate", holds: "the gate's scan of the selected features and its auto-fix rounds" },
  { path: "training/<target>/<family>.json", stage: "training", holds: "per family: fold scores, hyperparameters (and the search's trials), out-of-fold figures", schema: report.TrainingSchema },
  { path: "models/<target>/<family>.json", stage: "training", holds: "the final model fitted on all data, in the family's versioned save format (what `foxml trade` loads)" },
  { path: "ensemble/<target>.json", stage: "ensembling", holds: "stacking weights per fold and rank-average members" },
  { path: "evaluation/<target>.json", stage: "evaluation", holds: "per model: metrics overall and per fold, IC series, backtests per strategy, deflated Sharpe", schema: report.EvaluationSchema },
  { path: "target_confidence.json", stage: "evaluation", holds: "per target: confidence tier and the figures it rests on (nested when nesting is on)", schema: report.ConfidenceSchema },
  { path: "nested/nested.json", stage: "nested validation", holds: "per target and model, the nested figure beside the stages' own on the same cells", schema: report.NestedSummarySchema },
  { path: "nested/<target>.json", stage: "nested validation", holds: "per outer fold: what ranking, selection and the search chose on its training part" },
  { path: "nested/evaluation/<target>.json", stage: "nested validation", holds: "the evaluation (as evaluation/<target>.json) of the nested out-of-fold predictions" },
  { path: "model_family_status.json", stage: "training", holds: "every job: succeeded, failed with its error, no signal", schema: report.StatusSchema },
  { path: "jobs/<stage>/<key>.json", stage: "every job", holds: "the job store behind `--resume`: a job's result, encoded bit-exactly, with the fingerprint of its inputs" },
  { path: "report.html", stage: "report", holds: "the self-contained report (inline SVG charts, no scripts)" },
];

function jsonOf(schema: z.ZodType): Record<string, any> {
  return z.toJSONSchema(schema, { io: "output", unrepresentable: "any" }) as Record<string, any>;
}

export function runFolderReference(): string {
  const parts = [
    generatedBanner(),
    "# Run folder reference\n\nEvery `foxml run` writes one folder (`runs/<UTC time>-<experiment>/`, or `--out DIR`). The folder is the source of truth: the report, `foxml runs`, the dashboard and `foxml trade` read only it. Files are written atomically (a temporary name, then a rename), so a killed run never leaves a half-written file.",
    table(["file", "written by", "holds"], FILES.map((f) => [code(f.path), f.stage, f.holds])),
  ];
  for (const f of FILES.filter((x) => x.schema)) {
    const json = jsonOf(f.schema!);
    const node = json.type === "array" && json.items ? json.items : json;
    const rows = configRows(node, json.type === "array" ? "[]" : "", new Map());
    parts.push(`## ${f.path}\n\n${f.holds}.${json.type === "array" ? " A list; each entry:" : ""}\n\n${table(["field", "type", "meaning"], rows.map((r) => [code(r.key), r.type, r.meaning]))}`);
  }
  return parts.join("\n\n") + "\n";
}
