/**
 * Side-by-side comparison of runs: config differences key path by key path, whether they saw the
 * same data, and their figures with deltas against the first run (the baseline).
 */
import { InputError } from "../util/errors.js";
import { diffConfigs, type ConfigDifference } from "./config-diff.js";
import type { RunDetails, DisplayStatus } from "./queries.js";
import type { FigureValue } from "./run-folder.js";

export type Sameness = "equal" | "different" | "unknown";

export interface ComparedRun {
  id: string;
  name: string;
  status: DisplayStatus;
  createdAt: string;
  durationS: number | null;
  configHash: string;
  dataFingerprint: string | null;
  seed: number;
  gitCommit: string | null;
  foxmlVersion: string;
}

/** One figure across the runs; `deltas` and `relative` are against the first run (null where not numeric). */
export interface FigureComparison {
  /** '' for headline figures. */
  stage: string;
  /** '' unless it is a per-target metric. */
  target: string;
  /** '' unless it is a per-family metric. */
  family: string;
  key: string;
  values: (FigureValue | null)[];
  deltas: (number | null)[];
  /** delta / |baseline|, null when the baseline is 0 or either value is not a number. */
  relative: (number | null)[];
  equal: boolean;
}

export interface RunComparison {
  runs: ComparedRun[];
  config: {
    /** All runs have the same config hash (then there are no differences to list). */
    sameHash: boolean;
    differences: ConfigDifference[];
    /** Runs whose resolved config the registry does not hold (left out of the differences). */
    unavailable: string[];
  };
  dataFingerprint: Sameness;
  seed: Sameness;
  gitCommit: Sameness;
  headline: FigureComparison[];
  stageFigures: FigureComparison[];
  metrics: FigureComparison[];
}

/** Compares runs already loaded from the registry; `configOf` returns a stored config (or undefined). */
export function compareLoadedRuns(runs: readonly RunDetails[], configOf: (hash: string) => unknown): RunComparison {
  if (runs.length < 2) throw new InputError(`compare needs two or more runs, got ${runs.length}`, "pass two or more run ids: foxml runs compare ID ID [ID...]");
  const seen = new Set<string>();
  for (const r of runs) {
    if (seen.has(r.id)) throw new InputError(`run ${r.id} is given twice`, "pass different runs (an id prefix may have picked the same run twice)");
    seen.add(r.id);
  }

  const configs = runs.map((r) => ({ id: r.id, config: configOf(r.configHash) }));
  const available = configs.filter((c) => c.config !== undefined);
  const sameHash = runs.every((r) => r.configHash === runs[0].configHash);
  const diffs = sameHash || available.length < 2 ? [] : diffConfigs(available.map((c) => c.config));
  // Differences are reported with one slot per run; runs without a config get null there.
  const differences = diffs.map((d) => {
    let k = 0;
    return { path: d.path, values: configs.map((c) => (c.config === undefined ? null : d.values[k++])) };
  });

  return {
    runs: runs.map((r) => ({
      id: r.id,
      name: r.name,
      status: r.status,
      createdAt: r.createdAt,
      durationS: r.durationS,
      configHash: r.configHash,
      dataFingerprint: r.dataFingerprint,
      seed: r.seed,
      gitCommit: r.gitCommit,
      foxmlVersion: r.foxmlVersion,
    })),
    config: { sameHash, differences, unavailable: configs.filter((c) => c.config === undefined).map((c) => c.id) },
    dataFingerprint: sameness(runs.map((r) => r.dataFingerprint)),
    seed: sameness(runs.map((r) => r.seed)),
    gitCommit: sameness(runs.map((r) => r.gitCommit)),
    headline: compareFigures(runs.map((r) => keyed(r.headline, (key) => ({ stage: "", target: "", family: "", key })))),
    stageFigures: compareFigures(runs.map((r) => new Map(r.stages.flatMap((s) => [...keyed(s.figures, (key) => ({ stage: s.name, target: "", family: "", key }))])))),
    metrics: compareFigures(runs.map((r) => new Map(r.metrics.map((m) => [figureId(m), { id: { stage: m.stage, target: m.target, family: m.family, key: m.key }, value: m.value }])))),
  };
}

interface FigureId {
  stage: string;
  target: string;
  family: string;
  key: string;
}

type KeyedFigures = Map<string, { id: FigureId; value: FigureValue }>;

function figureId(id: FigureId): string {
  return JSON.stringify([id.stage, id.target, id.family, id.key]);
}

function keyed(values: Record<string, FigureValue>, idOf: (key: string) => FigureId): KeyedFigures {
  const out: KeyedFigures = new Map();
  for (const [key, value] of Object.entries(values)) {
    const id = idOf(key);
    out.set(figureId(id), { id, value });
  }
  return out;
}

/** Union of the figures, in the order they first appear (baseline first), with deltas against the baseline. */
function compareFigures(perRun: readonly KeyedFigures[]): FigureComparison[] {
  const order = new Map<string, FigureId>();
  for (const figures of perRun) for (const [k, f] of figures) if (!order.has(k)) order.set(k, f.id);
  const out: FigureComparison[] = [];
  for (const [k, id] of order) {
    const values = perRun.map((f) => f.get(k)?.value ?? null);
    const base = values[0];
    const deltas = values.map((v, i) => (i > 0 && typeof v === "number" && typeof base === "number" ? v - base : null));
    const relative = deltas.map((d) => (d !== null && typeof base === "number" && base !== 0 ? d / Math.abs(base) : null));
    out.push({ ...id, values, deltas, relative, equal: values.every((v) => v === values[0]) });
  }
  return out;
}

function sameness<T>(values: readonly (T | null)[]): Sameness {
  if (values.some((v) => v === null)) return "unknown";
  return values.every((v) => v === values[0]) ? "equal" : "different";
}
