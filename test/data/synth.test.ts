import { describe, expect, it } from "vitest";
import { generateMarket } from "../../src/data/synth/index.js";
import { InputError } from "../../src/util/errors.js";
import { autocorrelation, correlation, kurtosis, logReturns, mean, variance } from "./synth-stats.js";

const col = (s: { columns: Map<string, Float64Array> }, name: string) => s.columns.get(name) as Float64Array;

describe("generateMarket: determinism", () => {
  it("gives identical numbers for the same seed, different ones for another seed", () => {
    const cfg = { symbols: 8, bars: 300, signals: { plant: true }, leaks: { plant: true } };
    const a = generateMarket({ ...cfg, seed: 7 });
    const b = generateMarket({ ...cfg, seed: 7 });
    const c = generateMarket({ ...cfg, seed: 8 });
    expect(a.series.map((s) => s.symbol)).toEqual(b.series.map((s) => s.symbol));
    for (let i = 0; i < a.series.length; i++) {
      expect(a.series[i].ts).toEqual(b.series[i].ts);
      for (const [name, values] of a.series[i].columns) expect(values).toEqual(col(b.series[i], name));
    }
    expect(a.truth).toEqual(b.truth);
    expect(col(a.series[0], "close")).not.toEqual(col(c.series[0], "close"));
  });

  it("keeps prices unchanged when leaks are planted, and a symbol's path when other symbols are added", () => {
    const plain = generateMarket({ seed: 3, symbols: 5, bars: 200 });
    const leaky = generateMarket({ seed: 3, symbols: 5, bars: 200, leaks: { plant: true } });
    const more = generateMarket({ seed: 3, symbols: ["S001", "S002", "S003", "S004", "S005", "EXTRA"], bars: 200 });
    for (let i = 0; i < 5; i++) {
      for (const c of ["open", "high", "low", "close", "volume"]) {
        expect(col(leaky.series[i], c)).toEqual(col(plain.series[i], c));
        expect(col(more.series[i], c)).toEqual(col(plain.series[i], c));
      }
    }
    expect([...leaky.series[0].columns.keys()]).toContain("leak_fwd_copy");
  });

  it("names symbols S001.. or uses the given names", () => {
    expect(generateMarket({ symbols: 3, bars: 100 }).series.map((s) => s.symbol)).toEqual(["S001", "S002", "S003"]);
    expect(generateMarket({ symbols: ["AAA", "BBB"], bars: 100 }).series.map((s) => s.symbol)).toEqual(["AAA", "BBB"]);
    expect(generateMarket({ symbols: 1200, bars: 60, listing: { min_bars: 10 } }).series[0].symbol).toBe("S0001");
  });

  it("rejects a bad configuration with an InputError naming the key", () => {
    expect(() => generateMarket({ returns: { garch: { alpha: 0.5, beta: 0.6 } } })).toThrow(InputError);
    expect(() => generateMarket({ returns: { garch: { alpha: 0.5, beta: 0.6 } } })).toThrow(/returns\.garch: alpha \+ beta must be below 1/);
    expect(() => generateMarket({ bars: 10, end: "2020-01-01" } as never)).toThrow(/end: give either bars or end/);
  });
});

describe("generateMarket: stylized facts", () => {
  // 40 symbols, 2000 days, everyone listed throughout so every statistic uses the full history.
  const market = generateMarket({ seed: 11, symbols: 40, bars: 2000, listing: { late_fraction: 0, delist_fraction: 0 } });
  const returns = market.series.map((s) => logReturns(col(s, "close")));

  it("has fat tails: kurtosis of daily returns well above 3", () => {
    const k = returns.map(kurtosis);
    expect(mean(k)).toBeGreaterThan(4.5);
    expect(Math.min(...k)).toBeGreaterThan(3.2);
  });

  it("clusters volatility: r^2 and |r| autocorrelated, r itself not", () => {
    const acR = mean(returns.map((r) => autocorrelation(r, 1)));
    const acR2 = mean(returns.map((r) => autocorrelation(r.map((x) => x * x), 1)));
    const acAbs = mean(returns.map((r) => autocorrelation(r.map(Math.abs), 1)));
    const acAbs5 = mean(returns.map((r) => autocorrelation(r.map(Math.abs), 5)));
    expect(Math.abs(acR)).toBeLessThan(0.02);
    expect(acR2).toBeGreaterThan(0.05);
    expect(acAbs).toBeGreaterThan(0.05);
    expect(acAbs5).toBeGreaterThan(0.03);
  });

  it("moves together through the market factor: average pairwise correlation positive", () => {
    const cors: number[] = [];
    for (let i = 0; i < returns.length; i++) for (let j = i + 1; j < returns.length; j++) cors.push(correlation(returns[i], returns[j]));
    const avg = mean(cors);
    expect(avg).toBeGreaterThan(0.1);
    expect(avg).toBeLessThan(0.6);
  });

  it("loads on the market by beta: regression slope on the market factor tracks the drawn beta", () => {
    const T = market.calendar.times.length;
    const f = market.factors.market.subarray(1, T);
    const slopes = returns.map((r) => {
      const c = correlation(r, f);
      return (c * Math.sqrt(variance(r))) / Math.sqrt(variance(f));
    });
    const betas = market.universe.map((p) => p.beta);
    expect(correlation(slopes, betas)).toBeGreaterThan(0.8);
  });

  it("has cross-sectional dispersion: different volatilities, betas and drifts", () => {
    const vols = returns.map((r) => Math.sqrt(variance(r)));
    expect(Math.max(...vols) / Math.min(...vols)).toBeGreaterThan(1.5);
    const truthVols = market.truth.symbols.map((s) => s.idio_vol);
    expect(new Set(truthVols).size).toBe(truthVols.length);
  });

  it("keeps prices positive and OHLC consistent", () => {
    const bad: string[] = [];
    for (const s of market.series) {
      const [o, h, l, c] = ["open", "high", "low", "close"].map((n) => col(s, n));
      for (let i = 0; i < c.length; i++) {
        if (!(l[i] > 0 && h[i] >= Math.max(o[i], c[i]) && l[i] <= Math.min(o[i], c[i]))) bad.push(`${s.symbol}[${i}] o=${o[i]} h=${h[i]} l=${l[i]} c=${c[i]}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it("has intrabar ranges that scale with volatility and open gaps on every daily bar", () => {
    for (const s of market.series.slice(0, 10)) {
      const [o, h, l, c] = ["open", "high", "low", "close"].map((n) => col(s, n));
      const range: number[] = [];
      const absR: number[] = [];
      let gaps = 0;
      for (let i = 1; i < c.length; i++) {
        range.push(Math.log(h[i] / l[i]));
        absR.push(Math.abs(Math.log(c[i] / c[i - 1])));
        if (o[i] !== c[i - 1]) gaps++;
      }
      expect(correlation(range, absR)).toBeGreaterThan(0.3);
      // The mean high-low range of a diffusion is about 1.6 daily sds.
      const ratio = mean(range) / Math.sqrt(variance(logReturns(c)));
      expect(ratio).toBeGreaterThan(0.8);
      expect(ratio).toBeLessThan(2.5);
      expect(gaps / (c.length - 1)).toBeGreaterThan(0.9);
    }
  });

  it("trades more on big moves: volume correlates with |return|", () => {
    const cors = market.series.map((s, k) => {
      const v = col(s, "volume").subarray(1);
      return correlation(Array.from(v, Math.log), returns[k].map(Math.abs));
    });
    expect(mean(cors)).toBeGreaterThan(0.2);
    const nonInteger = market.series.flatMap((s) => Array.from(col(s, "volume")).filter((v) => !(Number.isInteger(v) && v >= 1)));
    expect(nonInteger).toEqual([]);
  });
});

describe("generateMarket: listings and calendar", () => {
  const market = generateMarket({ seed: 5, symbols: 60, start: "2015-01-01", bars: 500, listing: { late_fraction: 0.4, delist_fraction: 0.3, min_bars: 50 } });

  it("staggers histories: symbols start and end on different dates, each with at least min_bars", () => {
    const firsts = new Set(market.series.map((s) => s.ts[0]));
    const lasts = new Set(market.series.map((s) => s.ts[s.ts.length - 1]));
    expect(firsts.size).toBeGreaterThan(10);
    expect(lasts.size).toBeGreaterThan(5);
    const T = market.calendar.times;
    expect(market.series.some((s) => s.ts[0] === T[0] && s.ts[s.ts.length - 1] === T[T.length - 1])).toBe(true);
    for (const s of market.series) {
      expect(s.ts.length).toBeGreaterThanOrEqual(50);
      // No gaps inside a listed history other than the market's own closures.
      const first = T.indexOf(s.ts[0]);
      expect(Array.from(s.ts)).toEqual(Array.from(T.subarray(first, first + s.ts.length)));
    }
    const truth = market.truth.symbols;
    expect(truth.map((t) => t.bars)).toEqual(market.series.map((s) => s.ts.length));
  });

  it("trades on weekdays only and skips NYSE holidays for every symbol", () => {
    const days = new Set(market.calendar.days);
    expect(market.calendar.days.filter((d) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()))).toEqual([]);
    for (const h of ["2015-01-19", "2015-02-16", "2015-04-03", "2015-05-25", "2015-07-03", "2015-09-07", "2015-11-26", "2015-12-25"]) {
      expect(days.has(h)).toBe(false);
      expect(market.truth.time_axis.holidays).toContain(h);
    }
    const holidayMs = new Set(market.truth.time_axis.holidays.map((h) => Date.parse(`${h}T00:00:00Z`)));
    expect(market.series.flatMap((s) => Array.from(s.ts).filter((t) => holidayMs.has(t)))).toEqual([]);
    // 2015-01-01 is before the first trading day: outside the data, so not listed.
    expect(market.truth.time_axis.holidays).not.toContain("2015-01-01");
    // Daily bars are stamped at 00:00 UTC of the trading date.
    expect(market.calendar.times[0]).toBe(Date.parse("2015-01-02T00:00:00Z"));
  });

  it("honours an end date instead of a bar count, and a custom holiday list", () => {
    const m = generateMarket({ symbols: 2, start: "2020-01-01", end: "2020-01-31", holidays: ["2020-01-01", "2020-01-15"], listing: { min_bars: 5 } });
    expect(m.calendar.days[0]).toBe("2020-01-02");
    expect(m.calendar.days[m.calendar.days.length - 1]).toBe("2020-01-31");
    expect(m.calendar.days).not.toContain("2020-01-15");
    expect(m.calendar.days).toContain("2020-01-20"); // MLK day trades under a custom list
    expect(m.calendar.days.length).toBe(21);
    expect(() => generateMarket({ start: "2020-01-04", end: "2020-01-05" })).toThrow(/at least 2 are needed/);
  });
});
