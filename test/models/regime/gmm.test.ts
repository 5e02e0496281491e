import { describe, expect, it } from "vitest";
import { fitGmm, responsibilities, selectGmmByBic, type CovarianceType } from "../../../src/models/regime/gmm.js";
import { Rng } from "../../../src/util/random.js";

/** Rows from a known mixture: means, per-axis standard deviations and a correlation per component. */
function mixture(n: number, seed: number, correlated = true) {
  const means = [
    [-4, 0],
    [4, 0.5],
    [0, 5],
  ];
  const sds = [
    [1, 0.5],
    [0.7, 1.2],
    [1.2, 0.8],
  ];
  const rho = correlated ? [0.6, -0.4, 0] : [0, 0, 0];
  const weights = [0.5, 0.3, 0.2];
  const rng = new Rng(seed);
  const X = new Float64Array(n * 2);
  const label = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const u = rng.uniform();
    const k = u < weights[0] ? 0 : u < weights[0] + weights[1] ? 1 : 2;
    const a = rng.normal();
    const b = rho[k] * a + Math.sqrt(1 - rho[k] ** 2) * rng.normal();
    X[2 * r] = means[k][0] + sds[k][0] * a;
    X[2 * r + 1] = means[k][1] + sds[k][1] * b;
    label[r] = k;
  }
  return { X, label, means, weights };
}

const opts = (covariance: CovarianceType) => ({ covariance, maxIter: 300, tol: 1e-6, regCovar: 1e-6 });

describe("gaussian mixture (EM)", () => {
  const { X, label, means, weights } = mixture(3000, 1);
  for (const cov of ["full", "diag"] as const) {
    it(`recovers the components of a known mixture (${cov} covariance)`, () => {
      const g = fitGmm(X, 3000, 2, { k: 3, ...opts(cov) }, new Rng(2));
      expect(g.converged).toBe(true);
      for (let t = 0; t < 3; t++) {
        // The fitted component nearest the true mean.
        let best = -1;
        let bd = Infinity;
        for (let k = 0; k < 3; k++) {
          const dd = (g.means[2 * k] - means[t][0]) ** 2 + (g.means[2 * k + 1] - means[t][1]) ** 2;
          if (dd < bd) [bd, best] = [dd, k];
        }
        expect(Math.sqrt(bd)).toBeLessThan(0.15);
        expect(g.weights[best]).toBeCloseTo(weights[t], 1);
      }
      // Rows are assigned to their own component almost always.
      const { resp } = responsibilities(g, X, 3000);
      const map = new Map<number, number>();
      let agree = 0;
      for (let r = 0; r < 3000; r++) {
        let arg = 0;
        for (let k = 1; k < 3; k++) if (resp[r * 3 + k] > resp[r * 3 + arg]) arg = k;
        if (!map.has(label[r])) map.set(label[r], arg);
        if (map.get(label[r]) === arg) agree++;
      }
      expect(agree / 3000).toBeGreaterThan(0.97);
    });

    it(`BIC picks the true number of components (${cov})`, () => {
      // Diagonal covariances cannot express correlated components (BIC rightly adds components
      // for them), so their known mixture has uncorrelated ones.
      const data = cov === "full" ? X : mixture(3000, 6, false).X;
      const { best, table } = selectGmmByBic(data, 3000, 2, 1, 6, opts(cov), new Rng(3));
      expect(table.map((e) => e.k)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(best.k).toBe(3);
    });
  }

  it("BIC picks one component on one Gaussian, and the fit is the same for the same seed", () => {
    const rng = new Rng(4);
    const Y = Float64Array.from({ length: 4000 }, () => rng.normal());
    expect(selectGmmByBic(Y, 2000, 2, 1, 4, opts("full"), new Rng(5)).best.k).toBe(1);
    const a = fitGmm(X, 3000, 2, { k: 3, ...opts("full") }, new Rng(9));
    const b = fitGmm(X, 3000, 2, { k: 3, ...opts("full") }, new Rng(9));
    expect(Array.from(b.means)).toEqual(Array.from(a.means));
  });
});
