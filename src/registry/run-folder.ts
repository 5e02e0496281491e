/**
 * Reads one run folder (manifest.json + summary.json) into the record the registry stores. The
 * folders are the source of truth; this is the only place that interprets them for the registry.
 *
 * Files are stat-ed *before* they are read: if a run rewrites its summary in between, the stored
 * stamp is the older one and the next sync reads the folder again. (Reading first could pair new
 * stamps with old content, and the registry would then never notice the change.)
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { z } from "zod";
import { MANIFEST_FILE, readManifest, type RunManifest } from "../runs/manifest.js";
import { SUMMARY_FILE, SummarySchema, type RunStatus } from "../runs/summary.js";
import { InputError } from "../util/errors.js";
import { hashJson } from "../util/hash.js";

export type FigureValue = number | string;

export interface StageRecord {
  name: string;
  status: string;
  startedAt: string | null;
  finishedAt: string | null;
  durationS: number | null;
  outcome: string | null;
  counts: Record<string, number>;
  figures: Record<string, FigureValue>;
  warnings: WarningRecord[];
  otherWarnings: number;
  errors: ErrorRecord[];
  otherErrors: number;
}

export interface WarningRecord {
  message: string;
  count: number;
  examples: string[];
}

export interface ErrorRecord {
  type: string;
  message: string;
  hint: string | null;
}

export interface FamilyRecord {
  name: string;
  variant: string;
}

/** A per-target / per-family result; '' when it is not tied to a target or a family. */
export interface MetricRecord {
  stage: string;
  target: string;
  family: string;
  key: string;
  value: FigureValue;
}

export interface RunRecord {
  /** The folder's name: the id users type (`foxml runs show ID`). */
  id: string;
  dir: string;
  manifestRunId: string;
  name: string;
  experiment: string | null;
  status: RunStatus;
  createdAt: string;
  finishedAt: string | null;
  durationS: number | null;
  configHash: string;
  /** The resolved config as the manifest holds it (secrets redacted). */
  config: unknown;
  dataFingerprint: string | null;
  seed: number;
  gitCommit: string | null;
  gitDirty: boolean | null;
  foxmlVersion: string;
  nodeVersion: string;
  command: string[];
  cwd: string;
  warningsTotal: number;
  errorsTotal: number;
  resumedAt: string[];
  headline: Record<string, FigureValue>;
  stages: StageRecord[];
  /** Errors of the run itself (not tied to a stage). */
  runErrors: ErrorRecord[];
  targets: string[];
  families: FamilyRecord[];
  metrics: MetricRecord[];
  stamps: FolderStamps;
}

export interface FolderStamps {
  manifest: string;
  summary: string;
}

/**
 * Optional blocks a summary.json may carry beyond the stage records: the targets and families a run
 * actually covered, and per-target / per-family metrics. When absent, targets and families come
 * from the resolved config.
 */
const SummaryExtrasSchema = z.object({
  targets: z.array(z.string().min(1)).optional(),
  families: z.array(z.object({ name: z.string().min(1), variant: z.string().default("") })).optional(),
  metrics: z
    .array(
      z.object({
        stage: z.string().default(""),
        target: z.string().default(""),
        family: z.string().default(""),
        key: z.string().min(1),
        value: z.union([z.number(), z.string()]),
      }),
    )
    .optional(),
});

/** Cheap identity of a file's current content: changes whenever the file is rewritten. */
export function fileStamp(path: string): string | null {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch {
    return null;
  }
}

export function folderStamps(dir: string): FolderStamps | null {
  const manifest = fileStamp(join(dir, MANIFEST_FILE));
  const summary = fileStamp(join(dir, SUMMARY_FILE));
  return manifest === null || summary === null ? null : { manifest, summary };
}

/** True when the folder holds neither file: not a run folder (or one being created this instant). */
export function looksLikeRunFolder(dir: string): boolean {
  return existsSync(join(dir, MANIFEST_FILE)) || existsSync(join(dir, SUMMARY_FILE));
}

/** Reads a run folder; every problem is an InputError naming the file and what is wrong. */
export function readRunFolder(dirPath: string): RunRecord {
  const dir = resolve(dirPath);
  const stamps = folderStamps(dir);
  const manifest = readManifest(dir);
  const summaryPath = join(dir, SUMMARY_FILE);
  if (stamps === null || !existsSync(summaryPath)) {
    throw new InputError(`${dir} has no ${SUMMARY_FILE}`, "the run may still be starting; otherwise the folder is incomplete: restore summary.json or delete the folder");
  }
  let text: string;
  try {
    text = readFileSync(summaryPath, "utf8");
  } catch (e) {
    throw new InputError(`cannot read ${summaryPath}: ${(e as Error).message}`, "check the file's permissions");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${summaryPath}: not valid JSON (${(e as Error).message})`, "the summary was edited or damaged; restore it or delete the run folder");
  }
  const parsed = SummarySchema.safeParse(raw);
  if (!parsed.success) throw invalid(summaryPath, "invalid run summary", parsed.error.issues);
  const extras = SummaryExtrasSchema.safeParse(raw);
  if (!extras.success) throw invalid(summaryPath, "invalid targets/families/metrics block", extras.error.issues);
  const s = parsed.data;
  const e = extras.data;
  const duplicate = firstDuplicate((e.metrics ?? []).map((m) => JSON.stringify([m.stage, m.target, m.family, m.key])));
  if (duplicate !== null) {
    const [stage, target, family, key] = JSON.parse(duplicate) as string[];
    throw new InputError(`${summaryPath}: metrics lists ${key} twice for stage "${stage}", target "${target}", family "${family}"`, "each metric may appear once per stage, target and family");
  }

  const stages: StageRecord[] = Object.entries(s.stages).map(([name, st]) => ({
    name,
    status: st.status,
    startedAt: st.started_at,
    finishedAt: st.finished_at,
    durationS: st.duration_s,
    outcome: st.outcome,
    counts: st.counts,
    figures: st.figures,
    warnings: st.warnings.map((w) => ({ message: w.message, count: w.count, examples: w.examples ?? [] })),
    otherWarnings: st.other_warnings,
    errors: st.errors.map(errorRecord),
    otherErrors: st.other_errors,
  }));

  const fromConfig = configLists(manifest.config.resolved);
  return {
    id: basename(dir),
    dir,
    manifestRunId: manifest.run_id,
    name: manifest.name,
    experiment: experimentName(manifest.config.resolved),
    status: s.status,
    createdAt: isoMillis(manifest.created_at),
    finishedAt: s.finished_at === null ? null : isoMillis(s.finished_at),
    durationS: s.duration_s,
    configHash: manifest.config.hash,
    config: manifest.config.resolved,
    dataFingerprint: fingerprintText(manifest.data_fingerprint),
    seed: manifest.seed,
    gitCommit: manifest.git?.commit ?? null,
    gitDirty: manifest.git?.dirty ?? null,
    foxmlVersion: manifest.versions.foxml,
    nodeVersion: manifest.versions.node,
    command: manifest.command.argv,
    cwd: manifest.command.cwd,
    warningsTotal: s.warnings_total,
    errorsTotal: s.errors_total,
    resumedAt: s.resumed_at,
    headline: s.headline,
    stages,
    runErrors: s.errors.map(errorRecord),
    targets: e.targets === undefined ? fromConfig.targets : [...new Set(e.targets)],
    families: e.families ?? fromConfig.families,
    metrics: e.metrics ?? [],
    stamps,
  };
}

function invalid(path: string, what: string, issues: readonly z.core.$ZodIssue[]): InputError {
  const problems = issues.slice(0, 5).map((i) => `${i.path.length > 0 ? i.path.join(".") : "(top level)"}: ${i.message}`);
  const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : "";
  return new InputError(`${path}: ${what}: ${problems.join("; ")}${more}`, "the summary was edited or written by an incompatible FoxML version; restore it or delete the run folder");
}

function firstDuplicate(keys: readonly string[]): string | null {
  const seen = new Set<string>();
  for (const k of keys) {
    if (seen.has(k)) return k;
    seen.add(k);
  }
  return null;
}

function errorRecord(e: { type: string; message: string; hint?: string }): ErrorRecord {
  return { type: e.type, message: e.message, hint: e.hint ?? null };
}

/** A fingerprint as one comparable string: the hash itself, or the combined hash of a structured one. */
export function fingerprintText(fp: RunManifest["data_fingerprint"]): string | null {
  if (fp === null) return null;
  if (typeof fp === "string") return fp;
  for (const key of ["sha256", "hash", "fingerprint"]) {
    const v = fp[key];
    if (typeof v === "string" && v !== "") return v;
  }
  return hashJson(fp);
}

/** Manifest times are ISO with or without milliseconds; stored with them so that text order is time order. */
function isoMillis(iso: string): string {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toISOString();
}

function experimentName(resolved: unknown): string | null {
  const name = (resolved as { experiment?: { name?: unknown } } | null)?.experiment?.name;
  return typeof name === "string" ? name : null;
}

/** Targets and families as the resolved config lists them (`targets[].name`, `families[].{name, variant}`). */
function configLists(resolved: unknown): { targets: string[]; families: FamilyRecord[] } {
  const cfg = (resolved ?? {}) as { targets?: unknown; families?: unknown };
  const targets: string[] = [];
  if (Array.isArray(cfg.targets)) {
    for (const t of cfg.targets) {
      const name = typeof t === "string" ? t : (t as { name?: unknown } | null)?.name;
      if (typeof name === "string" && !targets.includes(name)) targets.push(name);
    }
  }
  const families: FamilyRecord[] = [];
  if (Array.isArray(cfg.families)) {
    for (const f of cfg.families) {
      const rec = (f ?? {}) as { name?: unknown; variant?: unknown };
      if (typeof rec.name !== "string") continue;
      const variant = typeof rec.variant === "string" ? rec.variant : "";
      if (!families.some((x) => x.name === rec.name && x.variant === variant)) families.push({ name: rec.name, variant });
    }
  }
  return { targets, families };
}
