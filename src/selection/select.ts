/**
 * Feature selection for one target: every enabled method scores the candidates on the target's
 * purged folds, the scores are combined into a weighted consensus, correlated features are
 * clustered, and the best representatives of the top clusters that pass the significance gate
 * (significance.ts: the feature beats shadow copies of itself or has a significant rank IC, corrected
 * across candidates) continue. pipeline.selection.top_m is a maximum: fewer, or no, features are
 * selected when fewer beat noise; with none the file says why (`no_usable_features`).
 *
 * A method that throws is recorded as failed and the others go on; selection fails (throws) only
 * when fewer than min_methods weighted methods succeed or every test of the gate fails. The result
 * is the selection.json artifact (SelectionFile), plain data throughout.
 */
import type { SelectionFile } from "../artifacts/run-files.js";
import { subsampleCells } from "../validation/cells.js";
import type { CvData } from "../training/cv-data.js";
import { FoxmlError, InputError } from "../util/errors.js";
import { Rng } from "../util/random.js";
import { agreementMatrix } from "./agreement.js";
import { absCorrelations, clusterFeatures } from "./cluster.js";
import { consensusRanking, methodVector, type ConsensusInput } from "./consensus.js";
import type { MethodContext, MethodResult } from "./method.js";
import { METHODS, METHOD_NAMES, type MethodName } from "./methods/index.js";
import type { SelectionConfig } from "./schema.js";
import { gateText, significanceGate, type GateResult } from "./significance.js";

export interface SelectFeaturesInput {
  data: CvData;
  /** Candidate features (after the leakage gate's exclusions). */
  features: readonly string[];
  /** Time-major T x S grids by feature name. */
  grids: ReadonlyMap<string, Float32Array>;
  /** Symbol names of the panel's columns (length S). */
  symbols: readonly string[];
  config: SelectionConfig;
  seed: number;
  threads: number;
  log?: MethodContext["log"];
  signal?: AbortSignal;
}

/** Too few methods succeeded to trust a consensus. */
export class SelectionFailedError extends FoxmlError {
  constructor(message: string, hint?: string) {
    super(message, { exitCode: 1, hint });
    this.name = "SelectionFailedError";
  }
}

interface MethodRun {
  name: MethodName;
  weight: number;
  status: "ok" | "failed";
  error?: string;
  seconds: number;
  result?: MethodResult;
}

export async function selectFeatures(input: SelectFeaturesInput): Promise<SelectionFile> {
  const { data, features, grids, config } = input;
  checkInput(input);
  const target = data.target.name;
  if (!config.enabled) return passThrough(target, features);

  const runs = await runMethods(input);
  const weighted = runs.filter((r) => r.weight > 0);
  const ok = weighted.filter((r) => r.status === "ok");
  if (weighted.length === 0) throw new InputError("pipeline.selection: no enabled method has a weight above 0", "enable a method under pipeline.selection.methods or give it weight > 0");
  const need = Math.min(config.min_methods, weighted.length);
  if (ok.length < need) {
    const failures = weighted.filter((r) => r.status === "failed").map((r) => `${r.name}: ${r.error}`);
    throw new SelectionFailedError(
      `feature selection for target "${target}": ${ok.length} of ${weighted.length} weighted methods succeeded, ${need} needed (${failures.join("; ")})`,
      "fix the failing methods or lower pipeline.selection.min_methods",
    );
  }

  const vectors: Array<ConsensusInput & { symbols: number }> = [];
  for (const r of runs) if (r.status === "ok" && r.result) vectors.push({ name: r.name, weight: r.weight, ...methodVector(features, r.result, config.consensus) });
  const ranking = consensusRanking(features, vectors);
  const F = features.length;

  // Clusters of correlated features; each cluster's representative is its best consensus feature.
  let labels: Int32Array = Int32Array.from({ length: F }, (_, f) => f);
  let corr: Float64Array | null = null;
  if (config.cluster.enabled && F > 1) {
    const valid: number[] = [];
    for (let c = 0; c < data.valid.length; c++) if (data.valid[c]) valid.push(c);
    const cells = subsampleCells(Int32Array.from(valid), config.cluster.max_rows, new Rng(input.seed).fork(`selection:${target}:cluster`));
    corr = absCorrelations(features, grids, cells, config.cluster.correlation);
    labels = clusterFeatures(corr, F, config.cluster.threshold, config.cluster.method);
  }
  let gate: GateResult;
  try {
    gate = await significanceGate({ data, features, grids, seed: input.seed, threads: input.threads, signal: input.signal, log: input.log }, config.significance);
  } catch (err) {
    if (input.signal?.aborted) throw err;
    throw new SelectionFailedError(`feature selection for target "${target}": ${err instanceof Error ? err.message : String(err)}`, "see pipeline.selection.significance, or turn the gate off with pipeline.selection.significance.enabled: false");
  }
  const passes = (f: number) => gate.rows[f].passed;
  const { clusterId, representative, members } = rankClusters(labels, ranking.order, passes);

  const selected: string[] = [];
  const isSelected = new Uint8Array(F);
  for (const f of ranking.order) {
    if (selected.length >= config.top_m) break;
    if (representative[clusterId[f]] !== f || !(ranking.score[f] > config.min_score) || !passes(f)) continue;
    isSelected[f] = 1;
    selected.push(features[f]);
  }

  const ctx = { features, ranking, clusterId, representative, members, corr, isSelected, config, vectors, gate };
  const consensus = Array.from(ranking.order, (f) => ({
    feature: features[f],
    rank: ranking.rank[f],
    score: ranking.score[f],
    by_method: Object.fromEntries(runs.map((r) => [r.name, valueOf(vectors, r.name, f)])),
    cluster: clusterId[f],
    selected: isSelected[f] === 1,
    reason: reasonFor(f, ctx),
    ...(gate.summary.enabled ? { gate: gate.rows[f] } : {}),
  }));
  const clusters = members.map((m, id) => ({ id, members: m.map((f) => features[f]), representative: features[representative[id]] }));
  const agreement = agreementMatrix(vectors);
  input.log?.info("feature selection done", {
    target,
    candidates: F,
    selected: selected.length,
    passed_gate: gate.summary.passed ?? F,
    clusters: clusters.length,
    methods: runs.map((r) => `${r.name}:${r.status}`).join(" "),
  });
  return {
    target,
    candidates: F,
    methods: runs.map((r) => ({
      method: r.name,
      weight: r.weight,
      status: r.status,
      ...(r.error !== undefined ? { error: r.error } : {}),
      seconds: r.seconds,
      ...(r.result?.details !== undefined ? { details: plain(r.result.details) as Record<string, unknown> } : {}),
    })),
    consensus,
    clusters,
    agreement,
    significance: gate.summary,
    selected,
    ...(selected.length === 0 ? { no_usable_features: noFeaturesReason(F, ranking, gate, config, features) } : {}),
  };
}

/** Why no candidate was selected, in one sentence for the status file and the summary. */
function noFeaturesReason(F: number, ranking: ReturnType<typeof consensusRanking>, gate: GateResult, config: SelectionConfig, features: readonly string[]): string {
  const passing = ranking.order.filter((f) => gate.rows[f].passed);
  if (gate.summary.enabled && passing.length === 0) {
    let best = -1;
    for (let f = 0; f < F; f++) if (best < 0 || (gate.rows[f].q ?? 1) < (gate.rows[best].q ?? 1)) best = f;
    return `no usable features: none of the ${F} candidates beats noise at the significance gate (q <= ${config.significance.alpha}, ${config.significance.correction}); the closest, ${features[best]}, has q ${gate.rows[best].q?.toPrecision(2) ?? "n/a"}`;
  }
  const which = gate.summary.enabled ? "no candidate that passes the significance gate" : "no candidate";
  return `no usable features: ${which} has a consensus score above min_score ${config.min_score}`;
}

async function runMethods(input: SelectFeaturesInput): Promise<MethodRun[]> {
  const { data, features, grids, config } = input;
  const runs: MethodRun[] = [];
  for (const name of METHOD_NAMES) {
    const settings = config.methods[name];
    if (!settings.enabled) continue;
    const { enabled: _e, weight, ...rest } = settings;
    const entry = METHODS[name];
    const parsed = entry.paramsSchema.safeParse(rest);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(`pipeline.selection.methods.${name}.${issue.path.join(".") || "(block)"}: ${issue.message}`, `see the ${name} method's settings`);
    }
    if (input.signal?.aborted) throw new Error("aborted");
    const started = performance.now();
    try {
      const result = await entry.method({
        data,
        features,
        grids,
        // One seed for all: each method forks its own labelled streams from it, and methods that
        // fit the same fold models (tree_gain, tree_shap, permutation) share those fits.
        seed: input.seed,
        threads: input.threads,
        params: parsed.data,
        log: input.log,
        signal: input.signal,
      });
      checkResult(name, result, features, input.log);
      runs.push({ name, weight, status: "ok", seconds: seconds(started), result });
    } catch (err) {
      if (input.signal?.aborted) throw err;
      const error = err instanceof Error ? `${err.name === "Error" ? "" : `${err.name}: `}${err.message}` : String(err);
      input.log?.warn(`selection method ${name} failed; the others go on`, { target: data.target.name, method: name, error });
      runs.push({ name, weight, status: "failed", error, seconds: seconds(started) });
    }
  }
  return runs;
}

function seconds(started: number): number {
  return Math.round(performance.now() - started) / 1000;
}

function checkInput(input: SelectFeaturesInput): void {
  const { data, features, grids, symbols } = input;
  const n = data.T * data.S;
  if (features.length === 0) throw new InputError(`feature selection for target "${data.target.name}": no candidate features`, "check the feature and leakage settings");
  const seen = new Set<string>();
  for (const f of features) {
    if (seen.has(f)) throw new Error(`selectFeatures: feature "${f}" is listed twice`);
    seen.add(f);
    const g = grids.get(f);
    if (g === undefined) throw new Error(`selectFeatures: feature "${f}" has no grid`);
    if (g.length !== n) throw new Error(`selectFeatures: grid of "${f}" has ${g.length} cells, expected ${data.T} x ${data.S}`);
  }
  if (symbols.length !== data.S) throw new Error(`selectFeatures: ${symbols.length} symbol names for ${data.S} panel columns`);
}

/** A method must score every candidate with a number; missing or non-finite scores are reported. */
function checkResult(name: string, result: MethodResult, features: readonly string[], log: SelectFeaturesInput["log"]): void {
  if (result === null || typeof result !== "object" || result.scores === null || typeof result.scores !== "object") {
    throw new Error(`method ${name} returned no scores`);
  }
  const missing = features.filter((f) => !(typeof result.scores[f] === "number" && Number.isFinite(result.scores[f])));
  if (missing.length === features.length) throw new Error(`method ${name} gave no finite score to any feature`);
  if (missing.length > 0) log?.warn(`selection method ${name} gave no finite score to ${missing.length} features; they are skipped by it`, { method: name, features: missing.slice(0, 10) });
}

/**
 * Cluster ids 0, 1, ... in the order of their best feature's consensus rank (0 = the cluster of the
 * top feature). A cluster's representative is its best feature that passes the gate (its best
 * feature when none does); members are listed representative first, then in consensus order.
 */
function rankClusters(labels: Int32Array, order: Int32Array, passes: (f: number) => boolean): { clusterId: Int32Array; representative: number[]; members: number[][] } {
  const F = labels.length;
  const idOfLabel = new Map<number, number>();
  const clusterId = new Int32Array(F);
  const representative: number[] = [];
  const members: number[][] = [];
  for (const f of order) {
    let id = idOfLabel.get(labels[f]);
    if (id === undefined) {
      id = representative.length;
      idOfLabel.set(labels[f], id);
      representative.push(f);
      members.push([]);
    }
    clusterId[f] = id;
    members[id].push(f);
  }
  for (let id = 0; id < members.length; id++) {
    const best = members[id].find(passes);
    if (best === undefined || best === representative[id]) continue;
    representative[id] = best;
    members[id] = [best, ...members[id].filter((g) => g !== best)];
  }
  return { clusterId, representative, members };
}

function valueOf(vectors: ReadonlyArray<ConsensusInput>, name: string, f: number): number | null {
  const v = vectors.find((m) => m.name === name)?.values[f];
  return v !== undefined && Number.isFinite(v) ? v : null;
}

interface ReasonContext {
  features: readonly string[];
  ranking: ReturnType<typeof consensusRanking>;
  clusterId: Int32Array;
  representative: number[];
  members: number[][];
  corr: Float64Array | null;
  isSelected: Uint8Array;
  config: SelectionConfig;
  vectors: ReadonlyArray<ConsensusInput>;
  gate: GateResult;
}

function reasonFor(f: number, c: ReasonContext): string {
  const { features, ranking, config } = c;
  const F = features.length;
  const name = features[f];
  const id = c.clusterId[f];
  const rep = c.representative[id];
  const score = ranking.score[f].toFixed(3);
  const corrWith = (g: number) => (c.corr ? c.corr[f * F + g].toFixed(2) : "?");
  const gate = c.gate.summary.enabled ? gateText(c.gate.rows[f], c.gate.summary) : "";
  if (rep !== f) {
    const why = ranking.rank[rep] < ranking.rank[f] ? `which ranks higher (${ranking.rank[rep]} vs ${ranking.rank[f]})` : `which passes the significance gate while this does not (${gate})`;
    return `clustered with ${features[rep]} (|corr| ${corrWith(rep)}), ${why}; one feature per cluster continues`;
  }
  const strongest = c.vectors
    .filter((m) => m.weight > 0 && Number.isFinite(m.values[f]))
    .sort((a, b) => b.values[f] - a.values[f] || (a.name < b.name ? -1 : 1))
    .slice(0, 2)
    .map((m) => `${m.name} ${m.values[f].toFixed(2)}`);
  const others = c.members[id].filter((g) => g !== f);
  const clusterText = others.length > 0 ? `; represents cluster ${id} with ${others.map((g) => `${features[g]} (|corr| ${corrWith(g)})`).join(", ")}` : "";
  const gateNote = gate ? `; beats noise: ${gate}` : "";
  if (c.isSelected[f]) return `selected: consensus rank ${ranking.rank[f]} (score ${score}; strongest ${strongest.join(", ")})${gateNote}${clusterText}`;
  if (!c.gate.rows[f].passed) return `not selected: does not beat noise at the significance gate: ${gate}${clusterText}`;
  if (!(ranking.score[f] > config.min_score)) {
    return ranking.score[f] === 0 ? "not selected: no method found it useful (consensus score 0)" : `not selected: consensus score ${score} is not above min_score ${config.min_score}`;
  }
  return `not selected: consensus rank ${ranking.rank[f]} (score ${score}), outside the top ${config.top_m} cluster representatives${clusterText}`;
}

/** With selection off every candidate continues, in the given order. */
function passThrough(target: string, features: readonly string[]): SelectionFile {
  return {
    target,
    candidates: features.length,
    methods: [],
    consensus: features.map((feature, i) => ({ feature, rank: i + 1, score: 0, by_method: {}, cluster: i, selected: true, reason: "selection disabled: every candidate continues" })),
    clusters: features.map((feature, i) => ({ id: i, members: [feature], representative: feature })),
    agreement: { methods: [], matrix: [] },
    significance: { enabled: false },
    selected: [...features],
  };
}

/** Method details as plain JSON-safe data: non-finite numbers -> null, typed arrays -> arrays. */
function plain(v: unknown): unknown {
  if (typeof v === "number") return Number.isFinite(v) ? v : null;
  if (v === null || typeof v !== "object") return typeof v === "bigint" ? Number(v) : typeof v === "function" || v === undefined ? null : v;
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>, (x) => (Number.isFinite(x) ? x : null));
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), plain(x)]));
  return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x)]));
}
