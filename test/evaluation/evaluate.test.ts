/**
 * evaluateTarget on the planted-signal market: the signal shows positive IC and Sharpe, noise
 * shows neither and a deflated Sharpe far from significant; the deflated Sharpe falls as trials
 * grow; per-fold figures equal a direct computation; the IC series sits on the panel's dates; the
 * file is plain JSON with null for every undefined number.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { evaluateTarget, type EvaluationFileOut } from "../../src/evaluation/evaluate.js";
import { evaluationSchema, type EvaluationConfig } from "../../src/evaluation/schema.js";
import { MIN_CROSS_SECTION } from "../../src/leakage/association.js";
import type { CvData } from "../../src/training/cv-data.js";
import { auc, icSeries, summarizeSeries } from "../../src/validation/metrics/index.js";
import { cvData, featureMember, fixture, type Fixture } from "../ensemble/helpers.js";
import { features, syntheticPanel } from "../leakage/helpers.js";

let fx: Fixture;
let data: CvData;
let good: Float64Array;
let noise: Float64Array;
let file: EvaluationFileOut;
const config = (input: Record<string, unknown> = {}): EvaluationConfig => evaluationSchema.parse(input);

beforeAll(() => {
  fx = fixture();
  data = cvData(fx);
  good = featureMember(fx, data, "sig_h5");
  noise = featureMember(fx, data, "noise_1");
  file = evaluateTarget({
    data,
    panel: fx.panel,
    models: [
      { name: "noise", kind: "family", oof: noise },
      { name: "good", kind: "family", oof: good },
    ],
    trials: 2,
    config: config(),
  });
});

const model = (f: EvaluationFileOut, name: string) => f.models.find((m) => m.name === name)!;

describe("evaluateTarget", () => {
  it("finds the planted signal: positive IC, t-statistic and Sharpe; and picks it as best", () => {
    const g = model(file, "good");
    expect(file.target).toBe("fwd_ret_5");
    expect(file.metric).toBe("ic");
    expect(g.metrics.ic).toBeGreaterThan(0.05);
    expect(g.metrics.rank_ic).toBeGreaterThan(0.05);
    expect(g.metrics.icir).toBeGreaterThan(0);
    expect(g.metrics.ic_t).toBeGreaterThan(3);
    expect(g.metrics.hit_rate).toBeGreaterThan(0.51);
    expect(g.metrics.auc).toBeNull();
    expect(g.score).toBe(g.metrics.ic);
    const ls = g.backtests.find((b) => b.strategy === "long_short")!;
    expect(ls.sharpe).toBeGreaterThan(0.5);
    expect(ls.annual_return).toBeGreaterThan(0);
    expect(ls.max_drawdown).toBeGreaterThanOrEqual(0);
    expect(ls.sharpe_basis).toBe("net");
    expect(ls.step).toBe(5);
    expect(ls.delay_bars).toBe(0);
    const topk = g.backtests.find((b) => b.strategy === "topk_dropout")!;
    expect(topk.sharpe_basis).toBe("active");
    expect(topk.information_ratio).toBeGreaterThan(0);
    const none = { threshold: null, max_weight: null, target_vol: null, vol_window: null };
    expect(file.strategies).toEqual([
      { name: "long_short", kind: "long_short", top_k: null, n_drop: null, quantile: 0.2, ...none },
      { name: "topk_dropout", kind: "topk_dropout", top_k: 8, n_drop: 2, quantile: null, ...none },
    ]);
    expect(file.strategy_set).toBe("cross_sectional");
    expect(file.typical_cross_section).toBeGreaterThanOrEqual(MIN_CROSS_SECTION);
    expect(file.best).toBe("good");
  });

  it("finds nothing in noise: IC near 0 and a deflated Sharpe well below 0.95", () => {
    const n = model(file, "noise");
    expect(Math.abs(n.metrics.ic!)).toBeLessThan(0.02);
    for (const b of n.backtests) expect(b.deflated_sharpe!).toBeLessThan(0.8);
    const alone = evaluateTarget({ data, panel: fx.panel, models: [{ name: "noise", kind: "family", oof: noise }], trials: 20, config: config() });
    for (const b of alone.models[0].backtests) expect(b.deflated_sharpe!).toBeLessThan(0.8);
  });

  it("deflates more as the number of trials grows; with one trial the DSR is the PSR", () => {
    const run = (trials: number) =>
      evaluateTarget({ data, panel: fx.panel, models: [{ name: "good", kind: "family", oof: good }], trials, config: config({ strategies: [{ kind: "long_short" }] }) }).models[0].backtests[0];
    const one = run(1);
    expect(one.deflated_sharpe).toBeCloseTo(one.probabilistic_sharpe!, 12);
    const dsr = [1, 5, 50, 500].map((t) => run(t).deflated_sharpe!);
    for (let i = 1; i < dsr.length; i++) expect(dsr[i]).toBeLessThan(dsr[i - 1]);
    // given trial Sharpes set the variance
    const wide = evaluateTarget({ data, panel: fx.panel, models: [{ name: "good", kind: "family", oof: good }], trials: 5, trialSharpes: [-0.3, 0.3], config: config({ strategies: [{ kind: "long_short" }] }) });
    expect(wide.models[0].backtests[0].trial_sharpe_variance).toBeCloseTo(0.18, 12);
    expect(wide.models[0].backtests[0].deflated_sharpe!).toBeLessThan(run(5).deflated_sharpe!);
  });

  it("computes per-fold metrics that match a direct computation on the fold's test cells", () => {
    const g = model(file, "good");
    expect(g.folds.map((f) => f.fold)).toEqual([0, 1, 2]);
    data.test.forEach((cells, k) => {
      const grid = new Float64Array(data.T * data.S).fill(NaN);
      for (const c of cells) grid[c] = good[c];
      const ic = summarizeSeries(icSeries(grid, data.y, data.T, data.S, { minObs: MIN_CROSS_SECTION })).mean;
      const rank = summarizeSeries(icSeries(grid, data.y, data.T, data.S, { method: "spearman", minObs: MIN_CROSS_SECTION })).mean;
      expect(g.folds[k].ic).toBeCloseTo(ic, 12);
      expect(g.folds[k].rank_ic).toBeCloseTo(rank, 12);
      expect(g.folds[k].cells).toBe(cells.length);
    });
  });

  it("plots the rolling IC on the panel's dates, downsampled to max_points", () => {
    const full = evaluateTarget({ data, panel: fx.panel, models: [{ name: "good", kind: "family", oof: good }], trials: 1, config: config({ max_points: 1000 }) });
    const g = full.models[0];
    const ic = icSeries(good, data.y, data.T, data.S, { minObs: MIN_CROSS_SECTION });
    const at: number[] = [];
    for (let t = 0; t < data.T; t++) if (Number.isFinite(ic[t])) at.push(t);
    expect(at.length).toBeGreaterThan(500);
    expect(model(file, "good").ic_series.times.length).toBe(500);
    expect(g.ic_series.times.length).toBe(at.length); // under max_points: every timestamp
    expect(g.ic_series.times).toEqual(at.map((t) => new Date(fx.panel.times[t]).toISOString()));
    // value at position i: mean of the last 63 finite ICs (null before 32 of them)
    const i = 200;
    const direct = at.slice(i - 62, i + 1).reduce((a, t) => a + ic[t], 0) / 63;
    expect(g.ic_series.values[i]).toBeCloseTo(direct, 12);
    expect(g.ic_series.values[30]).toBeNull();
    const small = evaluateTarget({ data, panel: fx.panel, models: [{ name: "good", kind: "family", oof: good }], trials: 1, config: config({ max_points: 50 }) });
    const s = small.models[0];
    expect(s.ic_series.times.length).toBeLessThanOrEqual(50);
    expect(s.ic_series.times[0]).toBe(g.ic_series.times[0]);
    expect(s.ic_series.times.at(-1)).toBe(g.ic_series.times.at(-1));
    for (const b of s.backtests) {
      expect(b.equity.times.length).toBeLessThanOrEqual(50);
      expect(b.drawdown.values.length).toBe(b.drawdown.times.length);
      // the deepest drawdown survives downsampling
      expect(Math.min(...(b.drawdown.values as number[]))).toBeCloseTo(Math.min(...(g.backtests.find((x) => x.strategy === b.strategy)!.drawdown.values as number[])), 12);
    }
  });

  it("scores a binary target by AUC, per fold too, and leaves R^2 null", () => {
    const bin = cvData(fx, { target: "fwd_sign_5" });
    const g = featureMember(fx, bin, "sig_h5");
    const f = evaluateTarget({ data: bin, panel: fx.panel, models: [{ name: "good", kind: "family", oof: g }], trials: 1, config: config() });
    const m = f.models[0];
    expect(f.metric).toBe("auc");
    expect(f.no_skill).toBe(0.5);
    expect(m.metrics.auc).toBeGreaterThan(0.52);
    expect(m.metrics.r2).toBeNull();
    expect(m.score).toBe(m.metrics.auc);
    bin.test.forEach((cells, k) => {
      const p = Array.from(cells, (c) => g[c]);
      const y = Array.from(cells, (c) => bin.y[c]);
      expect(m.folds[k].auc).toBeCloseTo(auc(y, p), 12);
    });
  });

  it("reports R^2 only for forecasts, and null figures (never NaN) for a model without predictions", () => {
    const empty = new Float64Array(data.T * data.S).fill(NaN);
    const f = evaluateTarget({
      data,
      panel: fx.panel,
      models: [
        { name: "good", kind: "family", oof: good },
        { name: "score", kind: "ensemble", oof: good, forecast: false },
        { name: "empty", kind: "family", oof: empty },
      ],
      trials: 3,
      config: config(),
    });
    expect(model(f, "good").metrics.r2).not.toBeNull();
    expect(model(f, "score").metrics.r2).toBeNull();
    const e = model(f, "empty");
    expect(e.metrics).toEqual({ ic: null, rank_ic: null, icir: null, ic_t: null, r2: null, auc: null, hit_rate: null });
    expect(e.backtests).toEqual([]);
    expect(e.score).toBeNull();
    expect(f.notes.join(" ")).toMatch(/no backtest.*empty/);
    const text = JSON.stringify(f);
    expect(JSON.parse(text)).toEqual(f);
    const numbers = (v: unknown): number[] => (typeof v === "number" ? [v] : v && typeof v === "object" ? Object.values(v).flatMap(numbers) : []);
    for (const x of numbers(f)) expect(Number.isFinite(x)).toBe(true);
  });

  it("on a universe too small for a cross-section: pooled metric, no IC, time-series books that trade the planted signal", () => {
    const panel = syntheticPanel({ symbols: 4, bars: 1500, signals: { plant: true } }).panel;
    const small = { panel, fs: features(panel, { include: ["sig_h5", "noise_1"] }) };
    const d = cvData(small);
    const f = evaluateTarget({ data: d, panel, models: [{ name: "good", kind: "family", oof: featureMember(small, d, "sig_h5") }], trials: 2, config: config() });
    const m = f.models[0];
    expect(f.metric).toBe("rank_correlation");
    expect(m.score).toBeGreaterThan(0);
    expect(m.metrics.ic).toBeNull();
    expect(m.ic_series).toEqual({ times: [], values: [] });
    expect(f.strategy_set).toBe("time_series");
    expect(f.typical_cross_section).toBe(4);
    expect(f.strategies.map((s) => [s.name, s.kind, s.target_vol, s.vol_window])).toEqual([
      ["sign", "sign", null, null],
      ["vol_scaled", "vol_scaled", 0.1, 60],
    ]);
    expect(f.notes.join(" ")).toMatch(/time-series strategies \(sign, vol_scaled\): a timestamp typically holds 4 labelled symbols, fewer than the 5 .*strategy_set auto/);
    for (const b of m.backtests) {
      expect(b.sharpe_basis).toBe("timing");
      expect(b.rebalances).toBeGreaterThan(10);
      expect(b.sharpe).toBeGreaterThan(0);
      expect(b.probabilistic_sharpe).not.toBeNull();
      expect(b.deflated_sharpe).not.toBeNull();
      expect(b.turnover).toBeGreaterThan(0);
      expect(b.total_cost).toBeGreaterThan(0);
    }
  });

  it("on a universe too small for a cross-section, cross-sectional books forced by strategy_set stay idle with null figures", () => {
    const panel = syntheticPanel({ symbols: 4, bars: 300, signals: { plant: true } }).panel;
    const small = { panel, fs: features(panel, { include: ["sig_h5", "noise_1"] }) };
    const d = cvData(small);
    const f = evaluateTarget({ data: d, panel, models: [{ name: "good", kind: "family", oof: featureMember(small, d, "sig_h5") }], trials: 2, config: config({ strategy_set: "cross_sectional" }) });
    const m = f.models[0];
    expect(f.strategy_set).toBe("cross_sectional");
    for (const b of m.backtests) {
      expect(b.rebalances).toBe(0);
      expect(b.sharpe).toBeNull();
      expect(b.deflated_sharpe).toBeNull();
      expect(b.probabilistic_sharpe).toBeNull();
    }
    expect(f.notes.join(" ")).toMatch(/never traded: fewer than 5 tradable symbols.*pipeline\.evaluation\.backtest\.min_symbols/);
  });

  it("is deterministic and rejects mismatched inputs and impossible strategies", () => {
    const again = evaluateTarget({
      data,
      panel: fx.panel,
      models: [
        { name: "noise", kind: "family", oof: noise },
        { name: "good", kind: "family", oof: good },
      ],
      trials: 2,
      config: config(),
    });
    expect(JSON.stringify(again)).toBe(JSON.stringify(file));
    expect(() => evaluateTarget({ data, panel: fx.panel, models: [{ name: "x", kind: "family", oof: new Float64Array(5) }], trials: 1, config: config() })).toThrow(/expected T\*S/);
    expect(() => evaluateTarget({ data, panel: fx.panel, models: [], trials: 1, config: config({ strategies: [{ kind: "top_k", top_k: 100 }] }) })).toThrow(
      /pipeline\.evaluation\.strategies\[0\]\.top_k: 100 names is more than the 40 symbols/,
    );
  });
});
