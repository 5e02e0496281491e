/**
 * selectFeatures end to end on the synthetic market: the planted signals lead the consensus and
 * are selected, a planted near copy of a signal shares its cluster and only one of the two
 * continues, the same seed gives the same file, a failing method is recorded and the others go on,
 * and the configuration is strict with defaults for every key.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { SelectionFile } from "../../src/artifacts/run-files.js";
import { METHODS } from "../../src/selection/methods/index.js";
import { selectFeatures, SelectionFailedError } from "../../src/selection/select.js";
import { selectionSchema, type SelectionConfig } from "../../src/selection/schema.js";
import { InputError } from "../../src/util/errors.js";
import { fixture, memoryLog, nearCopy, NOISE, type Fixture } from "./helpers.js";

/** The fast methods only (the model-based ones have their own tests) on smaller samples; top 3. */
function config(overrides: Record<string, unknown> = {}): SelectionConfig {
  const off = { enabled: false };
  const methods = (overrides.methods ?? {}) as Record<string, Record<string, unknown>>;
  return selectionSchema.parse({
    top_m: 3,
    ...overrides,
    methods: {
      tree_gain: off,
      tree_shap: off,
      permutation: off,
      boruta: off,
      stability: off,
      ...methods,
      mutual_info: { max_rows: 6000, ...methods.mutual_info },
      lasso_path: { max_rows: 6000, ...methods.lasso_path },
    },
  });
}

let fx: Fixture;
let grids: Map<string, Float32Array>;
let names: string[];
/** The default test configuration's file for fwd_ret_5, shared by the tests that only read it. */
let base: SelectionFile;

beforeAll(async () => {
  fx = fixture();
  grids = new Map(fx.grids);
  grids.set("sig_h5_copy", nearCopy(fx.grids.get("sig_h5")!, 0.05, 21));
  names = [...fx.names, "sig_h5_copy"];
  base = await run("fwd_ret_5", config());
});

afterEach(() => {
  vi.restoreAllMocks();
});

const run = (target: "fwd_ret_5" | "fwd_ret_20", cfg: SelectionConfig, seed = 1, log = memoryLog()) =>
  selectFeatures({ data: fx.cv(target), features: names, grids, symbols: fx.symbols, config: cfg, seed, threads: 1, log });

function row(file: SelectionFile, feature: string) {
  const r = file.consensus.find((c) => c.feature === feature);
  if (!r) throw new Error(`no consensus row for ${feature}`);
  return r;
}

describe("selectFeatures", () => {
  it("selects the planted signal for fwd_ret_5, and only one of it and its near copy", () => {
    const f = base;
    expect(f.target).toBe("fwd_ret_5");
    expect(f.candidates).toBe(names.length);
    expect(f.methods.map((m) => [m.method, m.status])).toEqual([
      ["mutual_info", "ok"],
      ["lasso_path", "ok"],
      ["univariate", "ok"],
    ]);
    // the signal (or its copy) is the best feature; exactly one of the two continues
    expect(["sig_h5", "sig_h5_copy"]).toContain(f.consensus[0].feature);
    const pair = f.selected.filter((n) => n === "sig_h5" || n === "sig_h5_copy");
    expect(pair).toHaveLength(1);
    expect(row(f, "sig_h5").cluster).toBe(row(f, "sig_h5_copy").cluster);
    const cluster = f.clusters.find((c) => c.id === row(f, "sig_h5").cluster)!;
    expect(cluster.members.slice().sort()).toEqual(["sig_h5", "sig_h5_copy"]);
    expect(cluster.representative).toBe(pair[0]);
    expect(cluster.members[0]).toBe(pair[0]);
    const other = pair[0] === "sig_h5" ? "sig_h5_copy" : "sig_h5";
    expect(row(f, other).selected).toBe(false);
    expect(row(f, other).reason).toMatch(new RegExp(`clustered with ${pair[0]} \\(\\|corr\\| (0\\.9\\d|1\\.00)\\)`));
    expect(row(f, pair[0]).reason).toMatch(/^selected: consensus rank 1 /);
    // noise ranks below the signal in the consensus
    for (const n of NOISE) expect(row(f, n).score).toBeLessThan(row(f, "sig_h5").score - 0.2);
    // top_m (3) is a maximum: nothing else beats noise for this target, so nothing fills the quota
    expect(f.selected).toEqual([pair[0]]);
    for (const n of NOISE) expect(row(f, n).reason).toMatch(/^not selected: does not beat noise at the significance gate: /);
  });

  it("keeps both planted signals in the top M for fwd_ret_20", async () => {
    const f = await run("fwd_ret_20", config());
    expect(f.selected).toContain("sig_h20");
    expect(f.selected.some((n) => n === "sig_h5" || n === "sig_h5_copy")).toBe(true);
    for (const n of NOISE) expect(row(f, "sig_h20").rank).toBeLessThan(row(f, n).rank);
  });

  it("writes a consistent file: ranks 1..F, scores in [0, 1] best first, by_method for every method, symmetric agreement", () => {
    const f = base;
    expect(f.consensus.map((c) => c.rank)).toEqual(names.map((_, i) => i + 1));
    for (let i = 0; i < f.consensus.length; i++) {
      const c = f.consensus[i];
      expect(c.score).toBeGreaterThanOrEqual(0);
      expect(c.score).toBeLessThanOrEqual(1);
      if (i > 0) expect(c.score).toBeLessThanOrEqual(f.consensus[i - 1].score);
      expect(Object.keys(c.by_method)).toEqual(["mutual_info", "lasso_path", "univariate"]);
      expect(c.reason.length).toBeGreaterThan(10);
    }
    expect(f.consensus.filter((c) => c.selected).map((c) => c.feature)).toEqual(f.selected);
    const members = f.clusters.flatMap((c) => c.members).sort();
    expect(members).toEqual([...names].sort());
    const { methods, matrix } = f.agreement;
    expect(methods).toEqual(["mutual_info", "lasso_path", "univariate"]);
    for (let i = 0; i < methods.length; i++) {
      expect(matrix[i][i]).toBe(1);
      for (let j = 0; j < methods.length; j++) expect(matrix[i][j]).toBe(matrix[j][i]);
    }
    // the univariate details reach the file as plain JSON (q-values, passing features)
    const uni = f.methods.find((m) => m.method === "univariate") as { details?: { passed: string[]; q: Record<string, number | null> } };
    expect(uni.details?.passed).toContain("sig_h5");
    expect(JSON.parse(JSON.stringify(f))).toEqual(f);
  });

  it("gives the same file for the same seed", async () => {
    const strip = (f: SelectionFile) => ({ ...f, methods: f.methods.map((m) => ({ ...m, seconds: 0 })), significance: { ...f.significance, seconds: 0 } });
    const a = await run("fwd_ret_5", config());
    expect(strip(a)).toEqual(strip(base));
    // another seed draws other subsamples
    const c = await run("fwd_ret_5", config(), 2);
    expect(c.consensus.map((r) => r.score)).not.toEqual(base.consensus.map((r) => r.score));
  });

  it("a method with weight 0 is reported but changes nothing", async () => {
    const without = await run("fwd_ret_5", config({ methods: { lasso_path: { enabled: false } } }));
    const zero = await run("fwd_ret_5", config({ methods: { lasso_path: { weight: 0 } } }));
    expect(zero.consensus.map((c) => [c.feature, c.score])).toEqual(without.consensus.map((c) => [c.feature, c.score]));
    expect(zero.selected).toEqual(without.selected);
    expect(zero.methods.find((m) => m.method === "lasso_path")).toMatchObject({ weight: 0, status: "ok" });
    expect(zero.agreement.methods).toContain("lasso_path");
    // and a weight that is not zero does change the scores
    expect(base.consensus.map((c) => c.score)).not.toEqual(without.consensus.map((c) => c.score));
  });

  it("records a failing method and goes on with the others", async () => {
    vi.spyOn(METHODS.lasso_path, "method").mockRejectedValue(new Error("solver exploded"));
    const log = memoryLog();
    const f = await run("fwd_ret_5", config(), 1, log);
    const m = f.methods.find((x) => x.method === "lasso_path")!;
    expect(m.status).toBe("failed");
    expect(m.error).toBe("solver exploded");
    expect(f.consensus[0].by_method.lasso_path).toBeNull();
    expect(f.agreement.methods).toEqual(["mutual_info", "univariate"]);
    expect(["sig_h5", "sig_h5_copy"]).toContain(f.consensus[0].feature);
    expect(log.records.some((r) => r.level === "warn" && r.msg.includes("lasso_path failed"))).toBe(true);
  });

  it("fails when fewer than min_methods weighted methods succeed", async () => {
    vi.spyOn(METHODS.lasso_path, "method").mockRejectedValue(new Error("boom"));
    vi.spyOn(METHODS.univariate, "method").mockRejectedValue(new Error("bang"));
    const err = await run("fwd_ret_5", config()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SelectionFailedError);
    expect((err as Error).message).toMatch(/1 of 3 weighted methods succeeded, 2 needed \(lasso_path: boom; univariate: bang\)/);
    // min_methods 1 accepts the one that is left
    const f = await run("fwd_ret_5", config({ min_methods: 1 }));
    expect(f.methods.filter((m) => m.status === "ok").map((m) => m.method)).toEqual(["mutual_info"]);
  });

  it("respects top_m, min_score and clustering switches", async () => {
    const all = await run("fwd_ret_5", config({ top_m: 100 }));
    // every cluster representative with a positive score, never both of the signal pair
    expect(all.selected.length).toBeLessThanOrEqual(all.clusters.length);
    expect(all.selected.filter((n) => n.startsWith("sig_h5")).length).toBe(1);
    const strict = await run("fwd_ret_5", config({ top_m: 100, min_score: 0.9 }));
    for (const n of strict.selected) expect(row(strict, n).score).toBeGreaterThan(0.9);
    const flat = await run("fwd_ret_5", config({ cluster: { enabled: false } }));
    expect(flat.clusters).toHaveLength(names.length);
    expect(flat.selected.filter((n) => n.startsWith("sig_h5")).length).toBe(2);
  });

  it("passes every candidate through when disabled", async () => {
    const f = await run("fwd_ret_5", config({ enabled: false }));
    expect(f.selected).toEqual(names);
    expect(f.methods).toEqual([]);
  });

  it("rejects bad input and bad settings with the key named", async () => {
    const data = fx.cv("fwd_ret_5");
    await expect(selectFeatures({ data, features: [], grids, symbols: fx.symbols, config: config(), seed: 1, threads: 1 })).rejects.toThrow(InputError);
    await expect(selectFeatures({ data, features: ["nope"], grids, symbols: fx.symbols, config: config(), seed: 1, threads: 1 })).rejects.toThrow(/"nope" has no grid/);
    await expect(selectFeatures({ data, features: names, grids, symbols: ["A"], config: config(), seed: 1, threads: 1 })).rejects.toThrow(/1 symbol names for 40/);
    const noWeight = config({ methods: { mutual_info: { weight: 0 }, lasso_path: { weight: 0 }, univariate: { weight: 0 } } });
    await expect(selectFeatures({ data, features: names, grids, symbols: fx.symbols, config: noWeight, seed: 1, threads: 1 })).rejects.toThrow(/no enabled method has a weight above 0/);
  });
});

describe("selectionSchema", () => {
  it("fills every key from {} with all eight methods enabled", () => {
    const c = selectionSchema.parse({});
    expect(Object.keys(c.methods)).toEqual(["tree_gain", "tree_shap", "permutation", "mutual_info", "lasso_path", "univariate", "boruta", "stability"]);
    for (const m of Object.values(c.methods)) {
      expect(m.enabled).toBe(true);
      expect(m.weight).toBeGreaterThan(0);
    }
    expect(c.top_m).toBe(20);
    expect(c.splitter).toEqual({ kind: "purged_kfold", n_splits: 3 });
    expect(c.cluster).toEqual({ enabled: true, threshold: 0.8, method: "average", correlation: "spearman", max_rows: 20_000 });
    expect(c.methods.univariate).toMatchObject({ alpha: 0.1, score: "neg_log10_q" });
  });

  it("names a misspelt or invalid key", () => {
    const bad = selectionSchema.safeParse({ methods: { univariate: { alpah: 0.1 } } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(["methods", "univariate"]);
    expect(bad.error!.issues[0].message).toMatch(/alpah/);
    const neg = selectionSchema.safeParse({ methods: { lasso_path: { weight: -1 } } });
    expect(neg.error!.issues[0].path).toEqual(["methods", "lasso_path", "weight"]);
    expect(selectionSchema.safeParse({ nonsense: 1 }).success).toBe(false);
    expect(selectionSchema.safeParse({ cluster: { threshold: 1.5 } }).success).toBe(false);
  });
});
