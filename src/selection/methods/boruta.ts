/**
 * Boruta-style selection with shadow features (Kursa & Rudnicki, 2010), on the shadow test of
 * ../shadow-test.ts: each iteration fits a small GBDT on a fold's training cells with every feature
 * plus a shadow copy of it, and a feature scores a hit when its gain beats the largest gain of any
 * shadow. Under the null hypothesis that a feature is no better than noise, its hits are
 * Binomial(iterations, 1/2): it is confirmed when the upper tail is significant, rejected when the
 * lower tail is, tentative otherwise (tests corrected across features). The hit rates are the
 * method's scores.
 *
 * Shadows (`shadow`): rotate (the default) rotates each symbol's series by a random offset, which
 * keeps its autocorrelation, so slow noise cannot beat its shadow by persistence alone (see
 * shadow-test.ts); permute shuffles each symbol's values across time (the original Boruta). (On
 * the synthetic market, 40 symbols, six seeds, 3000 rows per iteration, the AR(1) 0.95 noise
 * column's hit rate was about the same either way, 0.07-0.36, against 0.71-1.0 for the planted
 * signal; noise at 0.98-0.99 beats permuted shadows far more often.)
 *
 * Unlike the original, which refits on all rows until every feature is decided, the iterations are
 * fixed and each uses a seeded subsample of one fold's training cells (folds in turn), so the cost is
 * predictable; features that need more evidence stay tentative. The significance gate runs the same
 * test with its own settings; when they equal these, the fits are shared.
 */
import { z } from "zod";
import { adjustPValues } from "../multiple-testing.js";
import { binomialLowerTail, SHADOW_KINDS, shadowTest } from "../shadow-test.js";
import type { MethodContext, MethodResult, SelectionMethod } from "../method.js";
import { GBDT_SELECTION_FAMILIES, parseMethodParams } from "./tree-importance.js";

export { binomialLowerTail, binomialUpperTail } from "../shadow-test.js";

export const borutaParamsSchema = z.strictObject({
  family: z.enum(GBDT_SELECTION_FAMILIES).default("lightgbm").describe("GBDT family fitted in each iteration"),
  hyperparameters: z
    .record(z.string(), z.unknown())
    .default({})
    .describe("the family's hyperparameters, on top of small selection defaults (lightgbm: 25 trees, 15 leaves, min_data_in_leaf 100, 63 bins)"),
  iterations: z
    .number()
    .int()
    .min(1)
    .max(500)
    .default(14)
    .describe("models fitted, each with fresh shadows on a fresh row sample; with n iterations the smallest p-value is 2^-n, which the correction across features must allow (14: up to ~800 features at alpha 0.05)"),
  max_rows: z.number().int().min(100).default(5000).describe("training cells per iteration at most (seeded subsample of one fold's training cells)"),
  shadow: z
    .enum(SHADOW_KINDS)
    .default("rotate")
    .describe("how a shadow is made from the feature within each symbol: rotate its series by a random offset (keeps autocorrelation) or shuffle its values across time (the original Boruta)"),
  alpha: z.number().gt(0).lt(1).default(0.05).describe("significance level of the binomial tests"),
  correction: z
    .enum(["fdr_bh", "bonferroni", "none"])
    .default("fdr_bh")
    .describe("multiple-testing correction across features: Benjamini-Hochberg false discovery rate, Bonferroni, or none"),
});
export type BorutaParams = z.output<typeof borutaParamsSchema>;

export const borutaMethod: SelectionMethod = async (ctx: MethodContext): Promise<MethodResult> => {
  const p = parseMethodParams(borutaParamsSchema, ctx.params, "boruta");
  const names = ctx.features;
  const F = names.length;
  const scores: Record<string, number> = Object.fromEntries(names.map((f) => [f, 0]));
  if (F === 0) return { scores, details: { confirmed: [], tentative: [], rejected: [] } };
  const test = await shadowTest(ctx, { family: p.family, hyperparameters: p.hyperparameters, rounds: p.iterations, max_rows: p.max_rows, shadow: p.shadow });
  const done = test.rounds;
  const hits = test.hits;
  if (done > 0 && Math.pow(0.5, done) > p.alpha) {
    ctx.log?.warn("boruta: too few iterations to confirm or reject any feature; every feature stays tentative", { iterations: done, alpha: p.alpha, minimum: Math.ceil(-Math.log2(p.alpha)) });
  }
  const pConfirm = test.pHit;
  const pReject = Float64Array.from(hits, (h) => binomialLowerTail(done, h));
  const confirmedMask = significant(pConfirm, p.alpha, p.correction);
  const rejectedMask = significant(pReject, p.alpha, p.correction);
  const confirmed: string[] = [];
  const tentative: string[] = [];
  const rejected: string[] = [];
  const byRate = Array.from({ length: F }, (_, f) => f).sort((a, b) => hits[b] - hits[a] || (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
  for (const f of byRate) {
    scores[names[f]] = done > 0 ? hits[f] / done : 0;
    if (done > 0 && confirmedMask[f]) confirmed.push(names[f]);
    else if (done > 0 && rejectedMask[f]) rejected.push(names[f]);
    else tentative.push(names[f]);
  }
  return {
    scores,
    details: {
      family: p.family,
      iterations: done,
      shadow: p.shadow,
      confirmed,
      tentative,
      rejected,
      hits: Object.fromEntries(names.map((n, f) => [n, hits[f]])),
      p_confirm: Object.fromEntries(names.map((n, f) => [n, pConfirm[f]])),
      p_reject: Object.fromEntries(names.map((n, f) => [n, pReject[f]])),
      shadow_max_gain: test.shadowMax,
      alpha: p.alpha,
      correction: p.correction,
    },
  };
};

/** Which p-values are significant at alpha after the correction across all of them. */
export function significant(pv: Float64Array, alpha: number, correction: "fdr_bh" | "bonferroni" | "none"): Uint8Array {
  const q = adjustPValues(pv, correction);
  return Uint8Array.from(q, (v) => (v <= alpha ? 1 : 0));
}
