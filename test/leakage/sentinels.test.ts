/**
 * Sentinels on known answers. On genuine signals (the synthetic market's sig_h5 against the 5-bar
 * return) the score must vanish when the target moves past its window or is shuffled in time
 * within each symbol, and must survive on symbols the model never saw. On static per-symbol
 * information (a full-sample target mean, a symbol code) the first two must keep the score and the
 * code must collapse on unseen symbols.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { detectRound, type RoundResult } from "../../src/leakage/index.js";
import { buildTarget } from "../../src/targets/index.js";
import { Rng } from "../../src/util/random.js";
import { features, gridFeatures, gridPanel, gridTarget, leakageConfig, syntheticPanel } from "./helpers.js";

function sentinel(r: RoundResult, name: string) {
  const c = r.sentinels.find((x) => x.check === name);
  if (!c) throw new Error(`no sentinel ${name}`);
  return c;
}

describe("sentinels on a genuine signal", () => {
  let r: RoundResult;
  beforeAll(async () => {
    const { panel } = syntheticPanel({ seed: 31, signals: { plant: true } });
    const fs = features(panel, { include: ["sig_h5", "sig_h20", "noise_*", "ret_1", "vol_cc_20"] });
    r = await detectRound({ panel, features: fs, target: buildTarget("fwd_ret_5"), leakage: leakageConfig(), seed: 4 });
  });

  it("the quick model has significant skill to lose (the sentinels apply)", () => {
    expect(r.model!.score!).toBeGreaterThan(0.04);
    for (const name of ["future_shift", "time_shuffle", "symbol_holdout"]) expect(sentinel(r, name).evidence.value, name).not.toBeNull();
  });

  it("moving the target two windows into the future loses the predictability", () => {
    const c = sentinel(r, "future_shift");
    expect(c.verdict).toBe("OK");
    expect(c.evidence.figure).toContain("10 bars further into the future");
    expect(Math.abs(c.evidence.value as number)).toBeLessThan(0.3);
  });

  it("shuffling time within each symbol destroys the score", () => {
    const c = sentinel(r, "time_shuffle");
    expect(c.verdict).toBe("OK");
    expect(Math.abs(c.evidence.value as number)).toBeLessThan(0.2);
  });

  it("holding out half of the symbols does not collapse the score", () => {
    const c = sentinel(r, "symbol_holdout");
    expect(c.verdict).toBe("OK");
    expect(c.evidence.value as number).toBeGreaterThan(0.5);
  });
});

/**
 * Static per-symbol structure: each symbol has its own mean return mu_s (half the spread of the
 * noise), and y = mu_s + noise. The pre-scan thresholds are opened up so these features reach the
 * quick model; the point here is what the sentinels say about it.
 */
describe("sentinels on static per-symbol information", () => {
  const T = 600;
  const S = 40;
  const open = { thresholds: { feature_association: { suspicious: 0.9, implausible: 0.95 }, future_past_ratio: 1000 } };
  let y: Float64Array;
  let mu: Float64Array;
  let code: Float64Array;

  beforeAll(() => {
    const rng = new Rng(77);
    mu = new Float64Array(S);
    for (let s = 0; s < S; s++) mu[s] = 0.5 * 0.01 * rng.normal();
    y = new Float64Array(T * S);
    for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) y[t * S + s] = t === T - 1 ? NaN : mu[s] + 0.01 * rng.normal();
    // a code per symbol that says nothing by its order
    code = new Float64Array(S);
    rng.permutation(S).forEach((p, s) => (code[s] = p));
  });

  function close(): Float64Array {
    const c = new Float64Array(T * S);
    for (let s = 0; s < S; s++) c[s] = 100;
    for (let t = 1; t < T; t++) for (let s = 0; s < S; s++) c[t * S + s] = c[(t - 1) * S + s] * Math.exp(y[(t - 1) * S + s]);
    return c;
  }

  async function roundWith(name: string, perSymbol: Float64Array): Promise<RoundResult> {
    const grid = new Float64Array(T * S);
    for (let t = 0; t < T; t++) for (let s = 0; s < S; s++) grid[t * S + s] = perSymbol[s];
    const panel = gridPanel(T, S, { close: close() });
    return detectRound({ panel, features: gridFeatures(T, S, { [name]: grid }), target: gridTarget("y_next", y), leakage: leakageConfig(open), seed: 9 });
  }

  it("a full-sample mean of the target (target encoding) keeps its score against a moved or shuffled target", async () => {
    const te = new Float64Array(S);
    for (let s = 0; s < S; s++) {
      let sum = 0;
      let n = 0;
      for (let t = 0; t < T; t++) if (Number.isFinite(y[t * S + s])) (sum += y[t * S + s]), n++;
      te[s] = sum / n;
    }
    // (named so no exclusion pattern catches it: "target_mean" would be excluded by name)
    const r = await roundWith("symbol_mean_return", te);
    expect(r.model!.score!).toBeGreaterThan(0.25);
    const shift = sentinel(r, "future_shift");
    expect(shift.verdict).toBe("SUSPICIOUS");
    expect(shift.evidence.value as number).toBeGreaterThan(0.8);
    const shuffle = sentinel(r, "time_shuffle");
    expect(shuffle.verdict).toBe("SUSPICIOUS");
    expect(shuffle.evidence.value as number).toBeGreaterThan(0.8);
    expect(shuffle.explanation).toContain("what distinguishes symbols");
    // the mapping from a symbol's mean to its returns carries over to unseen symbols
    expect(sentinel(r, "symbol_holdout").verdict).toBe("OK");
  });

  it("a symbol code collapses on symbols the model never saw", async () => {
    const r = await roundWith("symbol_code", code);
    expect(r.model!.score!).toBeGreaterThan(0.2);
    const holdout = sentinel(r, "symbol_holdout");
    expect(holdout.verdict).toBe("SUSPICIOUS");
    expect(holdout.evidence.value as number).toBeLessThan(0.3);
    expect(sentinel(r, "time_shuffle").verdict).toBe("SUSPICIOUS");
  });
});
