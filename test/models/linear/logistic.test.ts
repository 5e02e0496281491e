import { describe, expect, it } from "vitest";
import { logisticFamily } from "../../../src/models/linear/index.js";
import { logisticNull } from "../../../src/models/linear/logistic.js";
import { lossGradient, probabilitiesOf } from "../../../src/models/linear/logistic-loss.js";
import { classData, ctx, maxRelDiff } from "./helpers.js";

const parse = (p: object) => logisticFamily.paramsSchema.parse({ missing_indicator: false, ...p });

describe("logistic", () => {
  const bin = classData(400, [1.2, -0.8, 0, 0.5, 0, 0], { seed: 41 });
  const multi = classData(450, [1, -0.6, 0.4, 0, 0], { seed: 42, classes: 3 });

  it("L-BFGS and proximal Newton reach the same L2 optimum (binary and multinomial)", async () => {
    for (const d of [bin, multi]) {
      const a = await logisticFamily.fit(d, parse({ lambda: 0.01, solver: "lbfgs", tol: 1e-10 }), ctx);
      const b = await logisticFamily.fit(d, parse({ lambda: 0.01, solver: "newton_cd", tol: 1e-13 }), ctx);
      expect(a.info.fit.solver).toBe("lbfgs");
      const ca = a.coefficients();
      const cb = b.coefficients();
      for (let k = 0; k < ca.raw.length; k++) expect(maxRelDiff(cb.raw[k], ca.raw[k])).toBeLessThan(1e-6);
      expect(maxRelDiff(b.predict(d.X, d.nRows), a.predict(d.X, d.nRows))).toBeLessThan(1e-7);
    }
  });

  it("binary predictions are P(class 1); multiclass rows are probability vectors over K classes", async () => {
    const b = await logisticFamily.fit(bin, parse({ lambda: 0.01 }), ctx);
    expect(b.info.task).toBe("binary");
    const pb = b.predict(bin.X, bin.nRows);
    expect(pb).toHaveLength(bin.nRows);
    // Fitted P(1) is higher on the rows labelled 1.
    let s1 = 0;
    let s0 = 0;
    let n1 = 0;
    bin.y.forEach((y, i) => (y === 1 ? ((s1 += pb[i]), n1++) : (s0 += pb[i])));
    expect(s1 / n1).toBeGreaterThan(s0 / (bin.nRows - n1) + 0.2);
    const m = await logisticFamily.fit(multi, parse({ lambda: 0.01 }), ctx);
    expect(m.info.task).toBe("multiclass");
    expect(m.nOutputs).toBe(3);
    const pm = m.predict(multi.X, multi.nRows);
    expect(pm).toHaveLength(3 * multi.nRows);
    for (let r = 0; r < multi.nRows; r++) expect(pm[3 * r] + pm[3 * r + 1] + pm[3 * r + 2]).toBeCloseTo(1, 12);
    // Centered intercepts: softmax's free shift is removed.
    const ic = m.coefficients().intercept;
    expect(m.path().intercept[m.path().selected].reduce((a, v) => a + v, 0)).toBeCloseTo(0, 12);
    expect(ic).toHaveLength(3);
  });

  it("an L1 path is sparse at large lambda, enters the informative features first, and selects by log loss on validation", async () => {
    const valid = classData(400, [1.2, -0.8, 0, 0.5, 0, 0], { seed: 43 });
    const m = await logisticFamily.fit(bin, parse({ penalty: "l1", n_lambda: 25 }), ctx, valid);
    const path = m.path();
    expect(Array.from(path.coef[0]).every((x) => x === 0)).toBe(true);
    expect(m.entryOrder().slice(0, 3).map((e) => e.feature)).toEqual(["f0", "f1", "f3"]);
    expect(m.selection.source).toBe("validation");
    expect(m.selection.metric).toBe("logloss");
    const s = m.selection.scores!;
    expect(s[path.selected]).toBe(Math.min(...s));
    const auc = await logisticFamily.fit(bin, parse({ penalty: "l1", n_lambda: 25, selection_metric: "auc" }), ctx, valid);
    expect(auc.selection.scores![path.selected]).toBeLessThan(-0.6); // AUC enters negated
  });

  it("a constant offset (init score) is absorbed by the intercept", async () => {
    const off = { ...bin, initScore: new Float64Array(bin.nRows).fill(0.7) };
    const a = await logisticFamily.fit(bin, parse({ lambda: 0.02, tol: 1e-10 }), ctx);
    const b = await logisticFamily.fit(off, parse({ lambda: 0.02, tol: 1e-10 }), ctx);
    expect(maxRelDiff(b.coefficients().raw[0], a.coefficients().raw[0])).toBeLessThan(1e-6);
    expect(b.coefficients().intercept[0]).toBeCloseTo(a.coefficients().intercept[0] - 0.7, 6);
  });

  it("labels and classes are checked with errors naming the row", async () => {
    const bad = { ...bin, y: Float64Array.from(bin.y) };
    bad.y[5] = 0.5;
    await expect(logisticFamily.fit(bad, parse({ lambda: 0.1 }), ctx)).rejects.toThrow(/label at row 5 is 0.5/);
    await expect(logisticFamily.fit(multi, parse({ lambda: 0.1, num_class: 2 }), ctx)).rejects.toThrow(/label at row \d+ is 2, but num_class is 2/);
    const oneClass = { ...bin, y: new Float64Array(bin.nRows) };
    await expect(logisticFamily.fit(oneClass, parse({ lambda: 0.1 }), ctx)).rejects.toThrow(/class 1 of 2 has no training rows/);
    await expect(logisticFamily.fit(multi, parse({ lambda: 0.1, num_class: 4 }), ctx)).rejects.toThrow(/class 3 of 4/);
  });

  it("perfectly separable data: the penalty keeps coefficients finite and the solver converges", async () => {
    const sep = classData(300, [1, -1, 0], { seed: 44 });
    sep.y = sep.y.map((_, i) => (sep.X[i * 3] > 0.1 ? 1 : 0)); // separated by f0 alone
    for (const penalty of ["l1", "l2"] as const) {
      const m = await logisticFamily.fit(sep, parse({ penalty }), ctx);
      expect(m.info.fit.converged).toBe(true);
      const c = m.coefficients().raw[0];
      for (const v of c) expect(Number.isFinite(v)).toBe(true);
      expect(c[0]).toBeGreaterThan(10 * Math.max(Math.abs(c[1]), Math.abs(c[2])));
    }
  });

  it("on many rows the Newton solver converges although the loss's rounding noise exceeds the last steps' gain", () => {
    // 60,000 rows: near the optimum a step lowers the mean loss by ~1e-14, below its rounding noise;
    // a line search that demanded a measurable decrease stalled here for hundreds of steps.
    const n = 60_000;
    const label = Int32Array.from({ length: n }, (_, i) => ((i * 7919) % 1000 < 497 ? 1 : 0));
    const prob = { Xc: new Float64Array(0), n, p: 0, v: new Float64Array(n).fill(1 / n), label, K: 2, nOut: 1, offset: null, skip: new Uint8Array(0), fitIntercept: true };
    const { state } = logisticNull(prob, 1, 1000);
    const P = new Float64Array(n);
    probabilitiesOf(prob, state.z, P);
    const gB = new Float64Array(1);
    lossGradient(prob, P, new Float64Array(0), gB, new Float64Array(n));
    expect(Math.abs(gB[0])).toBeLessThan(1e-12);
    const rate = label.reduce((a, b) => a + b, 0) / n;
    expect(state.b[0]).toBeCloseTo(Math.log(rate / (1 - rate)), 10);
  });
});
