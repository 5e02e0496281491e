import { describe, expect, it } from "vitest";
import {
  allowsHorizon,
  buildFeatures,
  DECISION_TIME,
  FeatureRegistry,
  historyRows,
  specProblems,
  standardRegistry,
  standardTimeSeriesSpecs,
  userColumnSpec,
  type FeatureSpec,
} from "../../src/features/index.js";
import { InputError } from "../../src/util/errors.js";
import { syntheticPanel } from "./helpers/panels.js";

describe("the standard library's declarations", () => {
  const specs = standardTimeSeriesSpecs();
  const registry = standardRegistry();

  it("has at least 60 time-series features, each declared completely, names unique", () => {
    expect(specs.length).toBeGreaterThanOrEqual(60);
    const names = specs.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of registry.list()) expect(specProblems(s), s.name).toEqual([]);
    for (const s of specs) {
      expect(s.kind).toBe("timeseries");
      expect(s.origin).toBe("builtin");
      expect(s.lookbackKnown).toBe(true);
    }
  });

  it("covers the families the issue lists", () => {
    const families = new Set(specs.map((s) => s.family));
    for (const f of ["ret", "ret_lag", "mom", "rev", "vol_cc", "vol_pk", "vol_gk", "dist_sma", "dist_ema", "rsi", "macd", "bollinger", "atr", "stochastic", "volume_z", "dollar_vol", "range", "skew", "kurt", "acf1", "drawdown", "calendar"])
      expect(families.has(f), f).toBe(true);
    expect(specs.filter((s) => s.family === "ret_lag").length).toBeGreaterThanOrEqual(5);
    for (const n of ["vol_cc_20", "vol_pk_20", "vol_gk_20", "gap", "range_hl", "cal_dow", "cal_tod", "dd_252", "macd_hist", "bb_pctb_20", "natr_14", "stoch_k_14", "stoch_d_14", "rsi_14", "volume_z_20", "dollar_vol"])
      expect(registry.has(n), n).toBe(true);
  });

  it("declares inputs the computations need: volume features read volume, range features high/low", () => {
    const byName = new Map(specs.map((s) => [s.name, s]));
    expect(byName.get("volume_z_20")!.inputs).toEqual(["volume"]);
    expect(byName.get("vol_pk_20")!.inputs).toEqual(["high", "low"]);
    expect(byName.get("vol_gk_20")!.inputs).toEqual(["open", "high", "low", "close"]);
    expect(byName.get("cal_dow")!.inputs).toEqual([]);
    expect(byName.get("ret_lag_3")!.lag).toBe(3);
    expect(byName.get("mom_252_21")!.lag).toBe(21);
    expect(historyRows(byName.get("mom_252_21")!)).toBe(252);
  });

  it("the registry's default cross-sectional transforms name their base", () => {
    const cs = registry.list().filter((s) => s.kind === "cross_sectional");
    expect(cs.length).toBeGreaterThanOrEqual(10);
    for (const s of cs) {
      expect(s.name.startsWith(`${s.kind === "cross_sectional" ? s.base : ""}__cs_`)).toBe(true);
      const base = registry.get(s.kind === "cross_sectional" ? s.base : "")!;
      expect([s.lookback, s.lag, s.inputs]).toEqual([base.lookback, base.lag, base.inputs]);
    }
  });

  it("exports the decision-time convention the config describes", () => {
    expect(DECISION_TIME.id).toBe("bar_close");
    expect(DECISION_TIME.featureRule).toMatch(/up to and including/);
  });
});

describe("FeatureRegistry", () => {
  const spec = standardTimeSeriesSpecs()[0];

  it("refuses a second feature of the same name and incomplete declarations", () => {
    const reg = new FeatureRegistry().register(spec);
    expect(() => reg.register(spec)).toThrow(/declared twice/);
    expect(() => new FeatureRegistry().register({ ...spec, name: "bad_lookback", lookback: 0 } as FeatureSpec)).toThrow(/lookback 0/);
    expect(() => new FeatureRegistry().register({ ...spec, name: "neg_lag", lag: -1 } as FeatureSpec)).toThrow(/lag -1/);
    expect(() => new FeatureRegistry().register({ ...spec, name: "Bad Name" } as FeatureSpec)).toThrow(/must match/);
    expect(() => new FeatureRegistry().register({ ...spec, name: "no_desc", description: "" } as FeatureSpec)).toThrow(/description/);
    expect(() => new FeatureRegistry().register({ ...spec, name: "no_inputs", inputs: [] } as FeatureSpec)).toThrow(/dataFree/);
  });

  it("refuses a cross-sectional feature whose base is not registered", () => {
    const reg = standardRegistry();
    const cs = reg.get("ret_1__cs_rank")!;
    expect(() => new FeatureRegistry().register(cs)).toThrow(/not a registered time-series feature/);
  });

  it("horizon ranges", () => {
    expect(allowsHorizon({}, 5)).toBe(true);
    expect(allowsHorizon({ allowedHorizons: { min: 2, max: 10 } }, 1)).toBe(false);
    expect(allowsHorizon({ allowedHorizons: { min: 2, max: 10 } }, 10)).toBe(true);
    expect(allowsHorizon({ allowedHorizons: { max: 3 } }, 4)).toBe(false);
    expect(specProblems({ ...spec, allowedHorizons: { min: 5, max: 2 } })).toEqual([expect.stringMatching(/allowedHorizons/)]);
  });
});

describe("planning against the data", () => {
  it("leaves out features whose inputs the data lacks, with a logged reason", () => {
    const logged: Array<{ feature: string; reason: string }> = [];
    const panel = syntheticPanel({ T: 300, S: 3, drop: ["volume", "high", "low", "open"] });
    const set = buildFeatures(panel, { logger: { info: (o) => logged.push(o as { feature: string; reason: string }) } });
    const reasons = new Map(set.skipped.map((s) => [s.name, s.reason]));
    expect(reasons.get("volume_z_20")).toBe('needs column "volume", which the data lacks');
    expect(reasons.get("vol_pk_20")).toBe('needs column "high", which the data lacks');
    expect(reasons.get("vol_gk_20")).toBe('needs column "open", which the data lacks');
    expect(reasons.get("dollar_vol_avg_20__cs_rank")).toMatch(/base feature dollar_vol_avg_20 is skipped: needs column "volume"/);
    expect(reasons.get("cal_tod")).toMatch(/same time of day/);
    expect(reasons.get("ret_1__cs_relmkt")).toMatch(/no market proxy/);
    expect(logged.map((l) => l.feature)).toEqual(set.skipped.map((s) => s.name));
    // Close-only data still gets every close-based feature.
    for (const n of ["ret_1", "mom_20", "vol_cc_20", "rsi_14", "macd", "bb_pctb_20", "dd_60", "skew_20", "cal_dow"]) expect(set.names).toContain(n);
    for (const s of set.specs) for (const c of s.inputs) expect(c).toBe("close");
  });

  it("leaves out features of a column that has no values at all", () => {
    const panel = syntheticPanel({ T: 120, S: 2 });
    const vol = panel.column("volume") as Float64Array;
    vol.fill(NaN);
    const set = buildFeatures(panel, { include: ["volume_*", "ret_1"], exclude: ["*__*"] });
    expect(set.names).toEqual(["ret_1"]);
    expect(set.skipped.map((s) => s.name)).toEqual(["volume_z_20", "volume_z_60", "volume_ratio_5_20"]);
    for (const s of set.skipped) expect(s.reason).toBe('column "volume" has no values in the data');
  });

  it("include and exclude take names and glob patterns", () => {
    const panel = syntheticPanel({ T: 120, S: 2 });
    expect(buildFeatures(panel, { include: ["vol_cc_*"], exclude: ["vol_cc_60", "*__*"] }).names).toEqual(["vol_cc_5", "vol_cc_10", "vol_cc_20"]);
    expect(buildFeatures(panel, { include: ["vol_cc_20*"] }).names).toEqual(["vol_cc_20", "vol_cc_20__cs_rank", "vol_cc_20__cs_z"]);
    expect(buildFeatures(panel, { include: ["ret_lag_?"] }).names).toEqual(["ret_lag_1", "ret_lag_2", "ret_lag_3", "ret_lag_4", "ret_lag_5"]);
    expect(buildFeatures(panel, { include: ["nothing_like_this"] }).names).toEqual([]);
  });

  it("skips features needing more history than the panel has", () => {
    const set = buildFeatures(syntheticPanel({ T: 50, S: 2 }), { include: ["mom_*"], exclude: ["*__*"] });
    expect(set.names).toEqual(["mom_5", "mom_10", "mom_20"]);
    expect(set.skipped.find((s) => s.name === "mom_60")!.reason).toBe("needs 61 rows of history and the panel has 50");
  });

  it("rejects an unknown market proxy, a bad extra lag and an empty cross-sectional request", () => {
    const panel = syntheticPanel({ T: 60, S: 2 });
    expect(() => buildFeatures(panel, { marketProxy: "SPY" })).toThrow(InputError);
    expect(() => buildFeatures(panel, { marketProxy: "SPY" })).toThrow(/market_proxy: symbol "SPY" is not in the data/);
    expect(() => buildFeatures(panel, { extraLag: -1 })).toThrow(/extra_lag/);
    expect(() => buildFeatures(panel, { extraLag: 1.5 })).toThrow(/extra_lag/);
    expect(() => buildFeatures(panel, { crossSectional: [{ features: ["zzz*"], transforms: ["rank"] }] })).toThrow(/no feature matches/);
    expect(() => buildFeatures(panel, { chunkRows: 0 })).toThrow(/chunk_rows/);
  });

  it("a feature that was not computed is reported with its reason", () => {
    const set = buildFeatures(syntheticPanel({ T: 60, S: 2, drop: ["volume"] }), { include: ["ret_1", "dollar_vol"] });
    expect(() => set.get("dollar_vol")).toThrow(/"dollar_vol" was not computed: needs column "volume"/);
    expect(() => set.get("unknown")).toThrow(/not selected or unknown/);
  });
});

describe("users' own columns", () => {
  const panel = syntheticPanel({ T: 80, S: 3, extra: ["my_factor", "fwd_ret_5", "news"] });

  it("extra numeric columns come in with lag 0; target-like columns do not", () => {
    const set = buildFeatures(panel, { include: ["my_factor", "news", "fwd_ret_5"] });
    expect(set.names).toEqual(["my_factor", "news"]);
    const spec = set.specs.find((s) => s.name === "my_factor")!;
    expect([spec.lag, spec.lookback, spec.lookbackKnown, spec.origin, spec.inputs]).toEqual([0, 1, false, "user", ["my_factor"]]);
    const src = panel.column("my_factor");
    const g = set.get("my_factor");
    for (let i = 0; i < g.length; i++) expect(g[i]).toBe(Math.fround(src[i]));
  });

  it("a declared lag delays the column; declared lookback and horizons are carried", () => {
    const set = buildFeatures(panel, {
      include: ["news", "news__cs_rank"],
      userColumns: { declared: [{ column: "news", lag: 2, lookback: 10, allowedHorizons: { min: 5 } }] },
      crossSectional: [{ features: ["news"], transforms: ["rank"] }],
    });
    const spec = set.specs.find((s) => s.name === "news")!;
    expect([spec.lag, spec.lookback, spec.lookbackKnown, spec.allowedHorizons]).toEqual([2, 10, true, { min: 5 }]);
    const cs = set.specs.find((s) => s.name === "news__cs_rank")!;
    expect([cs.lag, cs.allowedHorizons]).toEqual([2, { min: 5 }]);
    const src = panel.column("news");
    const g = set.get("news");
    for (let t = 0; t < 80; t++) for (let s = 0; s < 3; s++) expect(g[t * 3 + s]).toBe(t < 2 ? NaN : Math.fround(src[(t - 2) * 3 + s]));
  });

  it("user include / exclude patterns choose which extra columns come in", () => {
    const set = buildFeatures(panel, { include: ["my_factor", "news"], userColumns: { exclude: ["news"] } });
    expect(set.names).toEqual(["my_factor"]);
  });

  it("bad declarations are input errors naming the column", () => {
    expect(() => buildFeatures(panel, { userColumns: { declared: [{ column: "missing_col" }] } })).toThrow(/declares column "missing_col", which the data does not have/);
    expect(() => buildFeatures(panel, { userColumns: { declared: [{ column: "news", lag: -1 }] } })).toThrow(/"news" has lag -1/);
    expect(() => userColumnSpec({ column: "x", lookback: 0 })).toThrow(/lookback 0/);
    const clash = syntheticPanel({ T: 30, S: 2, extra: ["ret_1"] });
    expect(() => buildFeatures(clash)).toThrow(/"ret_1" has the name of a built-in feature/);
  });
});

describe("extra lag", () => {
  it("shifts every data feature by k more rows and raises its lag; calendar features stay", () => {
    const panel = syntheticPanel({ T: 90, S: 2, stepMs: 3_600_000 });
    const inc = ["ret_1", "vol_cc_5", "cal_tod", "ret_1__cs_rank"];
    const a = buildFeatures(panel, { include: inc });
    const b = buildFeatures(panel, { include: inc, extraLag: 3 });
    expect(b.specs.map((s) => s.lag)).toEqual([3, 3, 0, 3]);
    for (const name of ["ret_1", "vol_cc_5", "ret_1__cs_rank"]) {
      const ga = a.get(name);
      const gb = b.get(name);
      for (let t = 3; t < 90; t++) for (let s = 0; s < 2; s++) expect(Object.is(gb[t * 2 + s], ga[(t - 3) * 2 + s]), `${name} ${t}`).toBe(true);
    }
    expect(b.get("cal_tod")).toEqual(a.get("cal_tod"));
    expect(b.warmupRows).toBe(a.warmupRows + 3);
  });
});
