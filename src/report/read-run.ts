/**
 * Reads what a run folder holds for the report. Every file is optional, because a partial or failed
 * run still deserves a report that says what is missing; a file that is there but damaged is an
 * InputError naming the file and the key, never a silently wrong chart.
 *
 * Per-target files are found by listing their folders rather than by building paths from the
 * target names inside other files, so a name in a file can never point the reader outside the run.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { z } from "zod";
import type {
  EvaluationFile,
  LeakageSummaryFile,
  NestedSummaryFile,
  SelectionFile,
  StatusFile,
  TargetConfidence,
  TargetRankingRow,
  TargetRankingsFile,
  TrainingFile,
} from "../artifacts/run-files.js";
import { MANIFEST_FILE, readManifest, type RunManifest } from "../runs/manifest.js";
import { SUMMARY_FILE, SummarySchema, type RunSummaryData } from "../runs/summary.js";
import { InputError } from "../util/errors.js";
import { attachSeries } from "../evaluation/series-file.js";
import {
  ConfidenceSchema,
  EvaluationSchema,
  LeakageReportSchema,
  LeakageSummarySchema,
  NestedSummarySchema,
  SelectionSchema,
  StatusSchema,
  TargetRankingsSchema,
  TrainingSchema,
  type LeakageReportView,
} from "./schemas.js";

/** Run-level files, relative to the run folder. */
export const RUN_FILES = {
  manifest: MANIFEST_FILE,
  summary: SUMMARY_FILE,
  rankings: "target_rankings.json",
  leakage: "leakage_report.json",
  status: "model_family_status.json",
  confidence: "target_confidence.json",
  nested: "nested/nested.json",
} as const;

export const selectionPath = (target: string) => `selection/${target}/selection.json`;
export const leakageReportPath = (target: string) => `leakage/${target}/leakage_report.json`;
export const evaluationPath = (target: string) => `evaluation/${target}.json`;
export const trainingDir = (target: string) => `training/${target}`;

export interface TargetData {
  name: string;
  ranking: TargetRankingRow | null;
  confidence: TargetConfidence | null;
  selection: SelectionFile | null;
  /** The gate's full report for this target (leakage/<target>/leakage_report.json). */
  leakage: LeakageReportView | null;
  /** This target's row of the run-level leakage_report.json. */
  leakageSummary: LeakageSummaryFile["targets"][number] | null;
  evaluation: EvaluationFile | null;
  /** One per family, sorted by family name. */
  training: TrainingFile[];
}

export interface RunData {
  /** The run folder as given. */
  dir: string;
  manifest: RunManifest | null;
  summary: RunSummaryData | null;
  rankings: TargetRankingsFile | null;
  leakage: LeakageSummaryFile | null;
  status: StatusFile | null;
  confidence: TargetConfidence[] | null;
  /** The nested (honest) out-of-sample figures; null when nesting was off or did not run. */
  nested: NestedSummaryFile | null;
  /** Ranking order first, then targets known only from other files, by name. */
  targets: TargetData[];
  /** Run-level files (relative paths) that are absent. */
  missing: string[];
  /** Inconsistencies noticed while reading, in words (shown in the report). */
  notes: string[];
}

const FIX_HINT = "the file was damaged, edited, or written by an incompatible FoxML version; re-run that stage, or move the file away to build the report without it";

/** Reads and validates everything the report needs from `dir`. */
export function readRun(dir: string): RunData {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`run folder ${dir} does not exist`, "pass the folder printed by `foxml run`, e.g. runs/20261128T101500Z-default");
  }
  if (!isFile(join(dir, MANIFEST_FILE)) && !isFile(join(dir, SUMMARY_FILE))) {
    throw new InputError(`${dir} is not a FoxML run folder: it has neither ${MANIFEST_FILE} nor ${SUMMARY_FILE}`, "pass the folder printed by `foxml run`, e.g. runs/20261128T101500Z-default");
  }
  const missing: string[] = [];
  const notes: string[] = [];
  const runFile = <T>(rel: string, schema: z.ZodType<T>): T | null => {
    const value = readArtifact(dir, rel, schema);
    if (value === null) missing.push(rel);
    return value;
  };

  let manifest: RunManifest | null = null;
  if (isFile(join(dir, MANIFEST_FILE))) manifest = readManifest(dir);
  else missing.push(MANIFEST_FILE);
  const summary = runFile(RUN_FILES.summary, SummarySchema);
  const rankings = runFile(RUN_FILES.rankings, TargetRankingsSchema);
  const leakage = runFile(RUN_FILES.leakage, LeakageSummarySchema);
  const status = runFile(RUN_FILES.status, StatusSchema);
  const confidence = runFile(RUN_FILES.confidence, ConfidenceSchema);
  // Optional by configuration (pipeline.nesting.mode off), so not listed as missing.
  const nested = readArtifact(dir, RUN_FILES.nested, NestedSummarySchema);

  const selections = new Map<string, SelectionFile>();
  for (const t of subfolders(dir, "selection")) {
    const s = readArtifact(dir, selectionPath(t), SelectionSchema);
    if (s === null) continue;
    if (s.target !== t) notes.push(`${selectionPath(t)} names target "${s.target}"; shown under "${t}"`);
    selections.set(t, s);
  }
  const leakageReports = new Map<string, LeakageReportView>();
  for (const t of subfolders(dir, "leakage")) {
    const r = readArtifact(dir, leakageReportPath(t), LeakageReportSchema);
    if (r === null) continue;
    if (r.target.name !== t) notes.push(`${leakageReportPath(t)} names target "${r.target.name}"; shown under "${t}"`);
    leakageReports.set(t, r);
  }
  const evaluations = new Map<string, EvaluationFile>();
  for (const file of filesIn(dir, "evaluation", ".json")) {
    const t = file.slice(0, -".json".length);
    const onDisk = readArtifact(dir, evaluationPath(t), EvaluationSchema);
    if (onDisk === null) continue;
    const missingSeries = attachSeries(join(dir, evaluationPath(t)), onDisk);
    if (missingSeries !== null) notes.push(missingSeries);
    // every series is in place now (attachSeries fills each one, empty where there is none)
    const e = onDisk as EvaluationFile;
    if (e.target !== t) notes.push(`${evaluationPath(t)} names target "${e.target}"; shown under "${t}"`);
    evaluations.set(t, e);
  }
  const trainings = new Map<string, TrainingFile[]>();
  for (const t of subfolders(dir, "training")) {
    const list: TrainingFile[] = [];
    for (const file of filesIn(dir, trainingDir(t), ".json")) {
      const rel = `${trainingDir(t)}/${file}`;
      const tr = readArtifact(dir, rel, TrainingSchema);
      if (tr === null) continue;
      if (tr.target !== t) notes.push(`${rel} names target "${tr.target}"; shown under "${t}"`);
      list.push(tr);
    }
    list.sort((a, b) => compareText(a.family, b.family) || compareText(a.variant, b.variant));
    if (list.length > 0) trainings.set(t, list);
  }

  const names = orderedTargets([
    rankings?.targets.slice().sort((a, b) => a.rank - b.rank).map((r) => r.target) ?? [],
    confidence?.map((c) => c.target) ?? [],
    leakage?.targets.map((t) => t.target) ?? [],
    [...selections.keys(), ...leakageReports.keys(), ...evaluations.keys(), ...trainings.keys()].sort(compareText),
  ]);
  const targets: TargetData[] = names.map((name) => ({
    name,
    ranking: rankings?.targets.find((r) => r.target === name) ?? null,
    confidence: confidence?.find((c) => c.target === name) ?? null,
    selection: selections.get(name) ?? null,
    leakage: leakageReports.get(name) ?? null,
    leakageSummary: leakage?.targets.find((t) => t.target === name) ?? null,
    evaluation: evaluations.get(name) ?? null,
    training: trainings.get(name) ?? [],
  }));
  return { dir, manifest, summary, rankings, leakage, status, confidence, nested, targets, missing, notes };
}

/**
 * Reads `<dir>/<rel>` as JSON and validates it; null when the file does not exist. Invalid JSON or
 * a shape that breaks the contract is an InputError naming the file and the first offending keys.
 */
export function readArtifact<T>(dir: string, rel: string, schema: z.ZodType<T>): T | null {
  const path = join(dir, rel);
  if (!existsSync(path)) return null;
  let text: string;
  try {
    if (!statSync(path).isFile()) throw new Error("it is not a file");
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(`${path}: cannot be read (${(e as Error).message})`, FIX_HINT);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path}: not valid JSON (${(e as Error).message})`, FIX_HINT);
  }
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const problems = issues.slice(0, 3).map((i) => `${i.path.length > 0 ? i.path.join(".") : "(top level)"}: ${i.message}`);
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : "";
  throw new InputError(`${path}: does not have the expected shape: ${problems.join("; ")}${more}`, FIX_HINT);
}

function isFile(path: string): boolean {
  return existsSync(path) && statSync(path).isFile();
}

/** Names of the sub-folders of `<dir>/<rel>`, sorted; none when it does not exist. */
function subfolders(dir: string, rel: string): string[] {
  const path = join(dir, rel);
  if (!existsSync(path) || !statSync(path).isDirectory()) return [];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort(compareText);
}

/** Names of the files in `<dir>/<rel>` ending with `ext` (hidden temp files of atomic writes excluded), sorted. */
function filesIn(dir: string, rel: string, ext: string): string[] {
  const path = join(dir, rel);
  if (!existsSync(path) || !statSync(path).isDirectory()) return [];
  return readdirSync(path, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext) && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort(compareText);
}

/** First appearance wins: the lists are in order of authority. */
function orderedTargets(lists: string[][]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const list of lists) {
    for (const name of list) {
      if (seen.has(name)) continue;
      seen.add(name);
      out.push(name);
    }
  }
  return out;
}

/** Locale-independent ordering, so the report is the same on every machine. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
