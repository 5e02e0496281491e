/**
 * Boruta with shadow features: the planted signal is confirmed, pure noise mostly rejected, the
 * hit rates are the scores; the binomial tails and the multiple-testing corrections match exact
 * values; the same seed gives the same decisions.
 */
import { beforeAll, describe, expect, it } from "vitest";
import type { CvData } from "../../src/training/cv-data.js";
import type { MethodContext } from "../../src/selection/method.js";
import { binomialLowerTail, binomialUpperTail, borutaMethod, significant } from "../../src/selection/methods/boruta.js";
import { fixture, memoryLog, NOISE, type Fixture } from "./helpers.js";

let fx: Fixture;
let data: CvData;
const ctxOf = (params: Record<string, unknown> = {}, over: Partial<MethodContext> = {}): MethodContext => ({
  data,
  features: fx.names,
  grids: fx.grids,
  seed: 2,
  threads: 1,
  params,
  ...over,
});

beforeAll(() => {
  fx = fixture();
  data = fx.cv("fwd_ret_5");
});

interface Details {
  confirmed: string[];
  tentative: string[];
  rejected: string[];
  hits: Record<string, number>;
  iterations: number;
  shadow_max_gain: number[];
}

describe("boruta", () => {
  it("confirms the planted signal and rejects most pure noise; scores are hit rates", async () => {
    const r = await borutaMethod(ctxOf());
    const d = r.details as unknown as Details;
    expect(d.iterations).toBe(14);
    expect(d.confirmed).toContain("sig_h5");
    expect(NOISE.filter((n) => d.rejected.includes(n)).length).toBeGreaterThanOrEqual(2);
    expect(NOISE.some((n) => d.confirmed.includes(n))).toBe(false);
    expect([...d.confirmed, ...d.tentative, ...d.rejected].sort()).toEqual([...fx.names].sort());
    for (const n of fx.names) expect(r.scores[n]).toBeCloseTo(d.hits[n] / 14, 15);
    for (const n of NOISE) expect(r.scores.sig_h5, n).toBeGreaterThan(r.scores[n]);
    expect(d.shadow_max_gain.every((g) => g > 0)).toBe(true);
  }, 60_000);

  it("is deterministic for a seed and independent of the thread count", async () => {
    const params = { iterations: 4, max_rows: 2000, shadow: "rotate" };
    const a = await borutaMethod(ctxOf(params));
    const b = await borutaMethod(ctxOf(params, { threads: 2 }));
    expect(b).toEqual(a);
  }, 60_000);

  it("leaves everything tentative when there are too few iterations to decide", async () => {
    const log = memoryLog();
    const r = await borutaMethod(ctxOf({ iterations: 3, max_rows: 1500 }, { log }));
    const d = r.details as unknown as Details;
    expect(log.records.some((x) => x.level === "warn" && /too few iterations/.test(x.msg))).toBe(true);
    // With 3 iterations the smallest one-sided p-value is 1/8 > 0.05.
    expect(d.confirmed).toEqual([]);
    expect(d.rejected).toEqual([]);
    expect(d.tentative.length).toBe(fx.names.length);
  }, 60_000);

  it("refuses bad settings, naming the key", async () => {
    await expect(borutaMethod(ctxOf({ alpha: 1.5 }))).rejects.toThrow(/pipeline\.selection\.methods\.boruta\.alpha/);
    await expect(borutaMethod(ctxOf({ family: "ridge" }))).rejects.toThrow(/boruta\.family/);
    expect(await borutaMethod(ctxOf({}, { features: [] }))).toEqual({ scores: {}, details: { confirmed: [], tentative: [], rejected: [] } });
  });
});

describe("binomial tails", () => {
  const choose = (n: number, k: number) => {
    let c = 1;
    for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
    return c;
  };
  it("match exact sums and are symmetric", () => {
    expect(binomialUpperTail(12, 12)).toBe(1 / 4096);
    expect(binomialUpperTail(12, 11)).toBeCloseTo(13 / 4096, 15);
    expect(binomialUpperTail(12, 0)).toBe(1);
    expect(binomialUpperTail(12, 13)).toBe(0);
    for (const n of [1, 7, 14, 40]) {
      for (let k = 0; k <= n; k++) {
        let exact = 0;
        for (let j = k; j <= n; j++) exact += choose(n, j) / 2 ** n;
        expect(binomialUpperTail(n, k)).toBeCloseTo(exact, 12);
        expect(binomialLowerTail(n, k)).toBeCloseTo(binomialUpperTail(n, n - k), 15);
        if (k > 0) expect(binomialUpperTail(n, k) + binomialLowerTail(n, k - 1)).toBeCloseTo(1, 12);
      }
    }
    // Tiny tails stay exact (no 1 - (1 - p) cancellation).
    expect(binomialUpperTail(200, 200) / 2 ** -200).toBeCloseTo(1, 12);
    expect(binomialLowerTail(200, 1) / (201 * 2 ** -200)).toBeCloseTo(1, 12);
  });
});

describe("multiple-testing corrections", () => {
  const p = Float64Array.from([0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216]);
  it("Benjamini-Hochberg rejects up to the largest rank under its line", () => {
    // alpha k / m with m = 10: 0.005, 0.01, 0.015, ...: ranks 1 and 2 pass, rank 3 (0.039 > 0.015) and beyond do not.
    expect(Array.from(significant(p, 0.05, "fdr_bh"))).toEqual([1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    // A later rank under its line carries the earlier ones with it.
    expect(Array.from(significant(Float64Array.from([0.04, 0.03, 0.02]), 0.05, "fdr_bh"))).toEqual([1, 1, 1]);
  });
  it("Bonferroni divides alpha by the number of tests; none compares with alpha", () => {
    expect(Array.from(significant(p, 0.05, "bonferroni"))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(significant(p, 0.05, "none"))).toEqual([1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
  });
});
