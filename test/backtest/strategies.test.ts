import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeStrategy, Ranker, runBacktest, type CrossSection } from "../../src/backtest/index.js";
import { rng } from "../../src/util/random.js";
import { cfg, row } from "./helpers.js";

/** One cross-section, every symbol tradable unless a mask is given. */
function cs(signal: number[], tradable?: number[]): CrossSection {
  return { S: signal.length, signal, signalRow: 0, tradable: Uint8Array.from(tradable ?? signal.map(() => 1)), tradableRow: 0 };
}

function weights(kind: Parameters<typeof cfg>[0], signal: number[], book?: number[], tradable?: number[], minSymbols = 2): number[] | null {
  const c = cfg(kind);
  const strat = makeStrategy(c.strategy, signal.length, minSymbols);
  const target = new Float64Array(signal.length);
  const ok = strat.rebalance(cs(signal, tradable), Float64Array.from(book ?? signal.map(() => 0)), target);
  return ok ? Array.from(target) : null;
}

describe("long-short quantiles", () => {
  it("equal weights: +0.5/k on the top k, -0.5/k on the bottom k, dollar neutral, gross 1", () => {
    // n = 6 eligible (the NaN is not), q = 1/3 -> k = 2
    const w = weights({ strategy: { kind: "long_short", quantile: 1 / 3 } }, [0.3, -0.1, NaN, 0.9, 0.0, -0.5, 0.2])!;
    expect(w).toEqual([0.25, -0.25, 0, 0.25, 0, -0.25, 0]);
  });

  it("signal weights: distance from the median within each leg", () => {
    // sorted: -0.5 -0.1 0.0 0.2 0.3 0.9, median 0.1; top leg 0.9 (0.8), 0.3 (0.2); bottom -0.5 (0.6), -0.1 (0.2)
    const w = weights({ strategy: { kind: "long_short", quantile: 1 / 3, weighting: "signal" } }, [0.3, -0.1, NaN, 0.9, 0.0, -0.5, 0.2])!;
    const expected = [0.5 * (0.2 / 1.0), -0.5 * (0.2 / 0.8), 0, 0.5 * (0.8 / 1.0), 0, -0.5 * (0.6 / 0.8), 0];
    w.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 15));
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 15);
    expect(w.reduce((a, b) => a + Math.abs(b), 0)).toBeCloseTo(1, 15);
  });

  it("signal weights fall back to equal when a leg sits on the median", () => {
    const w = weights({ strategy: { kind: "long_short", quantile: 0.5, weighting: "signal" } }, [1, 1, 1, 1])!;
    expect(w).toEqual([-0.25, -0.25, 0.25, 0.25]);
  });

  it("breaks ties by symbol order like validation's longShortSeries (top = highest index)", () => {
    expect(weights({ strategy: { kind: "long_short", quantile: 0.25 } }, [1, 1, 1, 1])).toEqual([-0.5, 0, 0, 0.5]);
  });

  it("skips the rebalance when fewer than min_symbols are tradable with a prediction", () => {
    expect(weights({ strategy: { kind: "long_short" } }, [1, 2, NaN, 4], undefined, [1, 1, 1, 0], 3)).toBeNull();
    expect(weights({ strategy: { kind: "long_short" } }, [1, 2, 3, 4], undefined, [1, 1, 1, 0], 3)).not.toBeNull();
  });

  it("never trades an untradable symbol: it keeps its book weight and is not ranked", () => {
    // s3 is the best signal but untradable and held short; the strategy ranks the other four
    const w = weights({ strategy: { kind: "long_short", quantile: 0.25 } }, [1, 2, 3, 9, 4], [0, 0, 0, -0.3, 0], [1, 1, 1, 0, 1])!;
    expect(w).toEqual([-0.5, 0, 0, -0.3, 0.5]);
  });

  it("is dollar neutral with gross 1 at every rebalance (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.double({ min: 0.01, max: 0.5, noNaN: true }), fc.boolean(), fc.integer(), (S, q, signalWeighted, seed) => {
        const r = rng(seed);
        const signal = Array.from({ length: S }, () => (r.uniform() < 0.2 ? NaN : r.normal()));
        const n = signal.filter(Number.isFinite).length;
        const w = weights({ strategy: { kind: "long_short", quantile: q, weighting: signalWeighted ? "signal" : "equal" } }, signal);
        if (n < 2) return w === null;
        const k = Math.max(1, Math.floor(n * q));
        const longs = w!.filter((v) => v > 0);
        const shorts = w!.filter((v) => v < 0);
        expect(Math.abs(w!.reduce((a, b) => a + b, 0))).toBeLessThan(1e-12);
        expect(Math.abs(w!.reduce((a, b) => a + Math.abs(b), 0) - 1)).toBeLessThan(1e-12);
        expect(longs.length).toBeLessThanOrEqual(k);
        expect(shorts.length).toBeLessThanOrEqual(k);
        if (!signalWeighted) expect(longs.length).toBe(k);
        return true;
      }),
      { numRuns: 200 },
    );
  });
});

describe("top-K", () => {
  it("holds the K best at 1/K; with fewer eligible names the rest stays in cash", () => {
    expect(weights({ strategy: { kind: "top_k", top_k: 2 } }, [3, 1, 4, 1, 5])).toEqual([0, 0, 0.5, 0, 0.5]);
    expect(weights({ strategy: { kind: "top_k", top_k: 4 } }, [3, NaN, 4, NaN, NaN])).toEqual([0.25, 0, 0.25, 0, 0]);
  });
});

describe("TopkDropout", () => {
  const td = (signalRows: number[][], returns: number[][], K: number, nDrop: number) => {
    const T = signalRows.length + 1;
    const S = signalRows[0].length;
    const signal = Float64Array.from([...signalRows.flat(), ...Array(S).fill(NaN)]);
    const ret = Float64Array.from([...returns.flat(), ...Array(S).fill(NaN)]);
    return runBacktest(
      { T, S, signal, returns: ret },
      cfg({ strategy: { kind: "topk_dropout", top_k: K, n_drop: nDrop }, step: 1, min_symbols: 2, cost_bps: 0 }),
      { barsPerYear: 252, recordWeights: true },
    );
  };

  it("sells only the worst held names that a better one can replace, at most n_drop, and keeps the others unresized", () => {
    const res = td(
      [
        [6, 5, 4, 3, 2, 1], // buy the top 2: s0, s1
        [1, 2, 6, 5, 3, 4], // held s0 (1), s1 (2); best new s2 (6); bottom 1 of {s2, s1, s0} = s0 -> sell s0, buy s2
        [9, 8, 7, 1, 1, 1], // held s1 (8), s2 (7); best new s0 (9); bottom of {s0, s1, s2} = s2 -> sell s2, buy s0
      ],
      [
        [0.1, -0.1, 0, 0, 0, 0],
        [0, 0.2, 0, 0, 0, 0],
        [0, 0, 0, 0, 0, 0],
      ],
      2,
      1,
    );
    const w = res.weights!;
    expect(row(w, 0, 6)).toEqual([0.5, 0.5, 0, 0, 0, 0]);
    // after bar 0: equity 1 (+0.05 - 0.05), s0 drifted to 0.55, s1 to 0.45; selling s0 frees 0.55 of cash for s2
    const w1 = row(w, 1, 6);
    expect(w1[0]).toBe(0);
    expect(w1[1]).toBeCloseTo(0.45, 15);
    expect(w1[2]).toBeCloseTo(0.55, 15);
    expect(res.series.turnover[1]).toBeCloseTo(1.1, 15);
    // plain top-2 would now hold s2 and s3 (turnover 2 x 0.45 + ...); dropout keeps s1
    const w2 = row(w, 2, 6);
    const eq1 = 1 + 0.45 * 0.2; // equity after bar 1
    expect(w2[1]).toBeCloseTo((0.45 * 1.2) / eq1, 15);
    expect(w2[0]).toBeCloseTo(0.55 / eq1, 15);
    expect(w2[2]).toBe(0);
  });

  it("ranks held names without a prediction last, so they are the first sold", () => {
    const res = td(
      [
        [5, 4, 3, 2],
        [NaN, 4, 3, 2],
      ],
      [
        [0, 0, 0, 0],
        [0, 0, 0, 0],
      ],
      2,
      1,
    );
    expect(row(res.weights!, 1, 4)).toEqual([0, 0.5, 0.5, 0]);
  });

  /** Qlib's algorithm on names only, written the plain way: the reference for the engine's holdings. */
  function referenceHoldings(scores: number[][], K: number, nDrop: number): Set<number>[] {
    const better = (sc: number[]) => (a: number, b: number) => sc[b] - sc[a] || b - a;
    let held: number[] = [];
    const out: Set<number>[] = [];
    for (const sc of scores) {
      const nonHeld = sc.map((_, s) => s).filter((s) => !held.includes(s)).sort(better(sc));
      const today = nonHeld.slice(0, Math.max(0, nDrop + K - held.length));
      const comb = [...held, ...today].sort(better(sc));
      const tail = nDrop > 0 ? comb.slice(Math.max(0, comb.length - nDrop)) : [];
      const sell = held.filter((s) => tail.includes(s));
      const buy = today.slice(0, sell.length + K - held.length);
      held = [...held.filter((s) => !sell.includes(s)), ...buy];
      out.push(new Set(held));
    }
    return out;
  }

  it("holds the same names as a plain implementation of Qlib's TopkDropout (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 14 }), fc.integer({ min: 2, max: 25 }), fc.integer(), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (S, steps, seed, kf, df) => {
        const K = 1 + Math.floor(kf * (S - 1));
        const nDrop = Math.floor(df * (K + 1)) > K ? K : Math.floor(df * (K + 1));
        const r = rng(seed);
        // coarse scores make ties common, which the tie rule must settle the same way
        const scores = Array.from({ length: steps }, () => Array.from({ length: S }, () => r.int(0, 5)));
        const returns = Array.from({ length: steps }, () => Array.from({ length: S }, () => r.normal(0, 0.02)));
        const res = td(scores, returns, K, nDrop);
        const ref = referenceHoldings(scores, K, nDrop);
        for (let t = 0; t < steps; t++) {
          const got = new Set(row(res.weights!, t, S).flatMap((v, s) => (v > 0 ? [s] : [])));
          expect([...got].sort()).toEqual([...ref[t]].sort());
        }
      }),
      { numRuns: 100 },
    );
  });

  it("never sells more than n_drop names per rebalance, never holds more than K, never trades an untradable name (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 12 }), fc.integer({ min: 4, max: 30 }), fc.integer({ min: 1, max: 3 }), fc.integer(), (S, T, step, seed) => {
        const r = rng(seed);
        const K = r.int(1, S + 1);
        const nDrop = r.int(0, K + 1);
        const signal = new Float64Array(T * S);
        const returns = new Float64Array(T * S);
        const tradable = new Uint8Array(T * S);
        for (let i = 0; i < T * S; i++) {
          signal[i] = r.uniform() < 0.15 ? NaN : r.normal();
          returns[i] = r.normal(0, 0.02);
          tradable[i] = r.uniform() < 0.2 ? 0 : 1;
        }
        for (let s = 0; s < S; s++) {
          returns[(T - 1) * S + s] = NaN;
          tradable[(T - 1) * S + s] = 1; // nobody is delisted inside the span
        }
        const res = runBacktest(
          { T, S, signal, returns, tradable },
          cfg({ strategy: { kind: "topk_dropout", top_k: K, n_drop: nDrop }, step, min_symbols: 2, cost_bps: 0 }),
          { barsPerYear: 252, recordWeights: true },
        );
        const w = res.weights!;
        const start = res.report.period.start.bar;
        let before = new Float64Array(S); // book just before the bar's trades
        for (let t = start; t <= res.report.period.end.bar - 1; t++) {
          const now = row(w, t, S);
          const heldBefore = before.filter((v) => v !== 0).length;
          let sold = 0;
          let bought = 0;
          for (let s = 0; s < S; s++) {
            if (before[s] !== 0 && now[s] === 0) sold++;
            if (before[s] === 0 && now[s] !== 0) bought++;
            if (!tradable[t * S + s]) expect(now[s]).toBeCloseTo(before[s], 14);
            expect(now[s]).toBeGreaterThanOrEqual(0);
          }
          expect(sold).toBeLessThanOrEqual(nDrop);
          expect(bought).toBeLessThanOrEqual(nDrop + K - heldBefore);
          expect(now.filter((v) => v !== 0).length).toBeLessThanOrEqual(K);
          if ((t - start) % step !== 0) expect(res.series.turnover[t]).toBe(0);
          // drift to the next bar's pre-trade book
          const g = 1 + res.series.net[t];
          before = Float64Array.from(now.map((v, s) => (v * (1 + (Number.isFinite(returns[t * S + s]) ? returns[t * S + s] : 0))) / g));
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe("ranking", () => {
  it("orders like a comparator sort on (value, position), with -0 and 0 tied (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1, -1, 1e-300, -1e-300)), { maxLength: 300 }), (values) => {
        const n = values.length;
        const ranker = new Ranker(Math.max(n, 1));
        const idx = Int32Array.from({ length: n }, (_, i) => i);
        const keys = Float64Array.from(values);
        ranker.sort(keys, idx, n);
        const expected = Array.from({ length: n }, (_, i) => i).sort((a, b) => (values[a] < values[b] ? -1 : values[a] > values[b] ? 1 : a - b));
        expect(Array.from(idx)).toEqual(expected);
        expect(Array.from(keys)).toEqual(values);
      }),
      { numRuns: 300 },
    );
  });

  it("sorts a permuted index list, keeping the given order among ties", () => {
    const ranker = new Ranker(5);
    const idx = Int32Array.from([4, 2, 0, 3, 1]);
    ranker.sort([2, 1, 2, -3, 1], idx, 5);
    expect(Array.from(idx)).toEqual([3, 2, 1, 4, 0]);
  });
});
