/**
 * Known answers for representative features: each value recomputed here from the raw bars with
 * the formula its description states (straightforward two-pass arithmetic from the oracle).
 */
import { describe, expect, it } from "vitest";
import { buildFeatures, type FeatureSet } from "../../src/features/index.js";
import { panelFromGrids } from "../../src/data/panel.js";
import type { Panel } from "../../src/data/types.js";
import { kurt, mean, pearson, skew, std } from "./helpers/oracle.js";
import { syntheticPanel } from "./helpers/panels.js";

const T = 140;
const S = 2;
const panel = syntheticPanel({ T, S, seed: "known" });
const set = buildFeatures(panel, { exclude: ["*__*"] });
const raw = (c: string, s: number) => Array.from({ length: T }, (_, t) => panel.column(c)[t * S + s]);
const bars = (s: number) => ({ o: raw("open", s), h: raw("high", s), l: raw("low", s), c: raw("close", s), v: raw("volume", s) });
const at = (fs: FeatureSet, name: string, t: number, s: number) => fs.get(name)[t * S + s];
/** Float32 storage: compare with a relative tolerance a little above 2^-24. */
const near = (got: number, want: number, tol = 3e-7) => expect(Math.abs(got - want)).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(want)));
const logret = (c: number[], t: number, k = 1) => Math.log(c[t] / c[t - k]);
const rets = (c: number[], t: number, W: number) => Array.from({ length: W }, (_, k) => logret(c, t - W + 1 + k));

describe("returns, momentum and reversal", () => {
  const { c } = bars(1);
  it("ret_1, ret_lag_k, mom_W, mom_252_21 are the stated log returns", () => {
    near(at(set, "ret_1", 50, 1), logret(c, 50));
    expect(at(set, "ret_1", 0, 1)).toBeNaN();
    near(at(set, "ret_lag_5", 50, 1), logret(c, 45));
    expect(at(set, "ret_lag_5", 5, 1)).toBeNaN();
    near(at(set, "ret_lag_20", 60, 1), logret(c, 40));
    near(at(set, "mom_20", 70, 1), Math.log(c[70] / c[50]));
    expect(at(set, "mom_60", 59, 1)).toBeNaN();
    near(at(set, "mom_60", 60, 1), Math.log(c[60] / c[0]));
    expect(set.skipped.find((s) => s.name === "mom_252_21")?.reason).toMatch(/needs 253 rows/);
  });

  it("rev_W is minus the W-bar return over 60-bar volatility x sqrt(W)", () => {
    const t = 100;
    near(at(set, "rev_5", t, 1), -logret(c, t, 5) / (std(rets(c, t, 60)) * Math.sqrt(5)), 1e-6);
    expect(at(set, "rev_5", 59, 1)).toBeNaN();
  });
});

describe("volatility and higher moments", () => {
  const { o, h, l, c } = bars(0);
  const t = 90;
  it("close-to-close volatility is the sample sd of the last W log returns", () => {
    near(at(set, "vol_cc_20", t, 0), std(rets(c, t, 20)), 1e-6);
    near(at(set, "vol_cc_5", 5, 0), std(rets(c, 5, 5)), 1e-6);
    expect(at(set, "vol_cc_5", 4, 0)).toBeNaN();
  });

  it("Parkinson and Garman-Klass", () => {
    const idx = Array.from({ length: 20 }, (_, k) => t - 19 + k);
    const pk = Math.sqrt(mean(idx.map((i) => Math.log(h[i] / l[i]) ** 2)) / (4 * Math.LN2));
    const gk = Math.sqrt(mean(idx.map((i) => 0.5 * Math.log(h[i] / l[i]) ** 2 - (2 * Math.LN2 - 1) * Math.log(c[i] / o[i]) ** 2)));
    near(at(set, "vol_pk_20", t, 0), pk, 1e-6);
    near(at(set, "vol_gk_20", t, 0), gk, 1e-6);
  });

  it("skewness, excess kurtosis (pandas' bias corrections) and lag-1 autocorrelation", () => {
    near(at(set, "skew_20", t, 0), skew(rets(c, t, 20)), 1e-5);
    near(at(set, "kurt_60", t, 0), kurt(rets(c, t, 60)), 1e-5);
    const r = rets(c, t, 21);
    near(at(set, "acf1_20", t, 0), pearson(r.slice(1), r.slice(0, 20)), 1e-5);
    expect(at(set, "acf1_20", 20, 0)).toBeNaN();
    expect(Number.isFinite(at(set, "acf1_20", 21, 0))).toBe(true);
  });

  it("vol_ratio_5_60", () => {
    near(at(set, "vol_ratio_5_60", t, 0), std(rets(c, t, 5)) / std(rets(c, t, 60)), 1e-6);
  });
});

describe("price levels, range, volume", () => {
  const { o, h, l, c, v } = bars(1);
  const t = 120;
  it("drawdown, range position, distance from moving averages", () => {
    const last = (W: number) => c.slice(t - W + 1, t + 1);
    near(at(set, "dd_60", t, 1), c[t] / Math.max(...last(60)) - 1);
    expect(at(set, "dd_20", t, 1)).toBeLessThanOrEqual(0);
    near(at(set, "range_pos_60", t, 1), (c[t] - Math.min(...last(60))) / (Math.max(...last(60)) - Math.min(...last(60))));
    near(at(set, "dist_sma_50", t, 1), c[t] / mean(last(50)) - 1, 1e-6);
    near(at(set, "sma_ratio_5_20", t, 1), mean(last(5)) / mean(last(20)) - 1, 1e-6);
  });

  it("bar shape: range, gap, open-to-close, close location, shadows", () => {
    near(at(set, "range_hl", t, 1), Math.log(h[t] / l[t]));
    near(at(set, "gap", t, 1), Math.log(o[t] / c[t - 1]));
    near(at(set, "ret_oc", t, 1), Math.log(c[t] / o[t]));
    near(at(set, "close_loc", t, 1), (c[t] - l[t]) / (h[t] - l[t]));
    near(at(set, "shadow_up", t, 1), (h[t] - Math.max(o[t], c[t])) / (h[t] - l[t]));
    near(at(set, "shadow_dn", t, 1), (Math.min(o[t], c[t]) - l[t]) / (h[t] - l[t]));
    near(at(set, "range_hl_avg_20", t, 1), mean(Array.from({ length: 20 }, (_, k) => Math.log(h[t - k] / l[t - k]))), 1e-6);
  });

  it("volume z-score, volume ratio, dollar volume, Amihud illiquidity", () => {
    const lv = Array.from({ length: 20 }, (_, k) => Math.log1p(v[t - 19 + k]));
    near(at(set, "volume_z_20", t, 1), (lv[19] - mean(lv)) / std(lv), 1e-5);
    near(at(set, "volume_ratio_5_20", t, 1), Math.log(mean(v.slice(t - 4, t + 1)) / mean(v.slice(t - 19, t + 1))), 1e-6);
    near(at(set, "dollar_vol", t, 1), Math.log1p(c[t] * v[t]));
    near(at(set, "dollar_vol_avg_20", t, 1), Math.log1p(mean(Array.from({ length: 20 }, (_, k) => c[t - k] * v[t - k]))));
    const illiq = Array.from({ length: 20 }, (_, k) => (Math.abs(logret(c, t - k)) * 1e6) / (c[t - k] * v[t - k]));
    near(at(set, "amihud_20", t, 1), mean(illiq), 1e-6);
  });
});

/** A two-symbol panel from explicit close/high/low values (open = previous close). */
function tiny(close: number[][], high?: number[][], low?: number[][], volume?: number[][]): Panel {
  const n = close[0].length;
  const grid = (rows: number[][]) => Float64Array.from({ length: n * rows.length }, (_, i) => rows[i % rows.length][Math.floor(i / rows.length)]);
  const opens = close.map((c) => c.map((_, t) => (t === 0 ? c[0] : c[t - 1])));
  return panelFromGrids({
    times: Float64Array.from({ length: n }, (_, t) => Date.UTC(2021, 0, 4) + t * 86_400_000),
    symbols: close.map((_, s) => `X${s}`),
    columns: { open: grid(opens), high: grid(high ?? close), low: grid(low ?? close), close: grid(close), volume: grid(volume ?? close.map((c) => c.map(() => 1000))) },
    interval: { interval: "1d", medianSpacingMs: 86_400_000, explicit: true },
  });
}

describe("edge cases", () => {
  it("flat windows: stochastic 50, close location 0.5, shadows 0, volatility 0, skew NaN", () => {
    const flat = Array(100).fill(10);
    const p = tiny([flat, flat.map((x, i) => x + (i % 3))]);
    const fs = buildFeatures(p, { include: ["stoch_k_14", "close_loc", "shadow_up", "vol_cc_20", "skew_20", "rsi_7"] });
    const v = (n: string) => fs.get(n)[99 * 2];
    expect([v("stoch_k_14"), v("close_loc"), v("shadow_up"), v("vol_cc_20"), v("rsi_7")]).toEqual([50, 0.5, 0, 0, 50]);
    expect(v("skew_20")).toBeNaN();
  });

  it("a missing bar makes exactly the windows that contain it NaN; values resume after", () => {
    const c = Array.from({ length: 40 }, (_, t) => 100 + Math.sin(t) * 3);
    c[15] = NaN;
    const fs = buildFeatures(tiny([c, c.map((x) => x * 2)]), { include: ["vol_cc_5", "ret_lag_2", "mom_5"] });
    const col = (n: string) => Array.from({ length: 40 }, (_, t) => fs.get(n)[t * 2]);
    // vol_cc_5 at t reads closes t-5..t: NaN for t in 15..20.
    expect(col("vol_cc_5").map((x, t) => [t, Number.isNaN(x)]).filter(([, nan]) => nan).map(([t]) => t)).toEqual([0, 1, 2, 3, 4, 15, 16, 17, 18, 19, 20]);
    // mom_5 reads only closes t and t-5: NaN at t = 15 and t = 20, not in between.
    expect(col("mom_5").map((x, t) => [t, Number.isNaN(x)]).filter(([, nan]) => nan).map(([t]) => t)).toEqual([0, 1, 2, 3, 4, 15, 20]);
    expect(col("ret_lag_2").map((x, t) => [t, Number.isNaN(x)]).filter(([, nan]) => nan).map(([t]) => t)).toEqual([0, 1, 2, 17, 18]);
  });

  it("a row where the symbol has no bar is NaN even when its window could be computed", () => {
    const p = syntheticPanel({ T: 30, S: 2, seed: "absent", gapRate: 0.15 });
    const fs = buildFeatures(p, { include: ["ret_lag_3", "cal_dow"] });
    let absent = 0;
    for (let i = 0; i < p.T * p.S; i++) {
      if (p.present[i]) continue;
      absent++;
      expect(fs.get("ret_lag_3")[i]).toBeNaN();
      expect(fs.get("cal_dow")[i]).toBeNaN();
    }
    expect(absent).toBeGreaterThan(3);
  });

  it("a bar with zero volume has no Amihud value (not infinity)", () => {
    const c = Array.from({ length: 30 }, (_, t) => 50 + t);
    const vol = c.map((_, t) => (t === 25 ? 0 : 500));
    const fs = buildFeatures(tiny([c, c], undefined, undefined, [vol, vol]), { include: ["amihud_20", "dollar_vol"] });
    expect(fs.get("amihud_20")[24 * 2]).toBeGreaterThan(0);
    expect(fs.get("amihud_20")[25 * 2]).toBeNaN();
    expect(fs.get("dollar_vol")[25 * 2]).toBe(0);
  });
});

describe("calendar", () => {
  it("day of week (Monday 0), time of day, month, with an optional UTC offset", () => {
    // Hourly bars from Monday 2020-01-06 00:00 UTC.
    const p = syntheticPanel({ T: 60, S: 2, stepMs: 3_600_000, startMs: Date.UTC(2020, 0, 6) });
    const fs = buildFeatures(p, { include: ["cal_*"] });
    expect(fs.skipped.map((s) => s.name)).toEqual(["cal_month"]);
    const v = (n: string, t: number) => fs.get(n)[t * 2 + 1];
    expect([v("cal_dow", 0), v("cal_dow", 23), v("cal_dow", 24), v("cal_dow", 59)]).toEqual([0, 0, 1, 2]);
    near(v("cal_tod", 14), 14 / 24);
    near(v("cal_tod_sin", 6), 1);
    near(v("cal_dow_cos", 0), 1);
    const ny = buildFeatures(p, { include: ["cal_dow", "cal_tod"], library: { calendarUtcOffsetMinutes: -300 } });
    // 00:00 UTC Monday is 19:00 on Sunday in New York (UTC-5).
    expect(ny.get("cal_dow")[1]).toBe(6);
    near(ny.get("cal_tod")[1], 19 / 24);
  });

  it("month varies on daily bars; time of day does not", () => {
    const fs = buildFeatures(syntheticPanel({ T: 60, S: 2 }), { include: ["cal_*"] });
    expect(fs.names).toEqual(["cal_dow", "cal_dow_sin", "cal_dow_cos", "cal_month"]);
    expect(fs.get("cal_month")[0]).toBe(1);
    expect(fs.get("cal_month")[59 * 2]).toBe(3);
  });
});

describe("exponentially weighted features", () => {
  it("a shorter tail mass gives shorter lookbacks, and values stay within that tail", () => {
    const p = syntheticPanel({ T: 400, S: 2, seed: "ewm" });
    const coarse = buildFeatures(p, { include: ["dist_ema_26", "rsi_14"], library: { ewmTailMass: 1e-3 } });
    const fine = buildFeatures(p, { include: ["dist_ema_26", "rsi_14"] });
    const lb = (fs: FeatureSet, n: string) => fs.specs.find((s) => s.name === n)!.lookback;
    expect(lb(coarse, "dist_ema_26")).toBe(90);
    expect(lb(fine, "dist_ema_26")).toBe(180);
    const t = 399;
    expect(Math.abs(at(coarse, "rsi_14", t, 0) - at(fine, "rsi_14", t, 0))).toBeLessThan(0.2);
    expect(() => buildFeatures(p, { library: { ewmTailMass: 0 } })).toThrow(/ewmTailMass/);
  });
});
