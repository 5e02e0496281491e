/**
 * The significance gate: after the consensus has ranked the candidates, a feature may be selected
 * only when it beats noise, whatever importance methods are configured (a ranking always has a top
 * M, noise included). Two tests of one null hypothesis, "the feature is unrelated to the target":
 *
 * - shadow: the Boruta shadow test (shadow-test.ts): over `rounds` small GBDTs, how often the
 *   feature's gain beats every shadow copy's; P(X >= hits), X ~ Binomial(rounds, 1/2). It sees
 *   non-linear and interaction effects, but has little power for weak monotone effects among many
 *   candidates (it must beat the best of all shadows).
 * - univariate: the rank IC's t-test across blocks of time, each at least two label windows long,
 *   so overlapping labels do not inflate it (methods/univariate.ts); two-sided. Powerful for
 *   monotone effects, blind to the rest.
 *
 * A feature's p-value is the Bonferroni combination min(1, k min_i p_i) over the k tests that ran
 * (valid under any dependence between them), corrected across all candidates; it passes when its
 * q-value is at most alpha. A test that fails as a whole is recorded and the others decide; when
 * every test fails the gate throws (the caller treats it as a failure of selection, not as "no
 * signal").
 *
 * With the boruta and univariate methods at the gate's settings (the defaults), the gate reuses
 * their computations (both tests are shared by key while the CvData lives), so it costs nothing
 * extra; otherwise it runs them itself (a config with gain importance alone still stops at noise).
 */
import type { GateRow, GateSummary } from "../artifacts/run-files.js";
import type { MethodContext } from "./method.js";
import { univariateTests } from "./methods/univariate.js";
import { adjustPValues } from "./multiple-testing.js";
import type { SignificanceConfig } from "./schema.js";
import { shadowTest } from "./shadow-test.js";

export interface GateResult {
  rows: GateRow[];
  summary: GateSummary;
}

export type GateContext = Pick<MethodContext, "data" | "features" | "grids" | "seed" | "threads" | "signal" | "log">;

export async function significanceGate(ctx: GateContext, cfg: SignificanceConfig): Promise<GateResult> {
  const F = ctx.features.length;
  if (!cfg.enabled) {
    const rows = Array.from({ length: F }, (): GateRow => ({ hits: null, p_shadow: null, ic: null, t: null, p_univariate: null, p: null, q: null, passed: true }));
    return { rows, summary: { enabled: false } };
  }
  const started = performance.now();
  const tests: NonNullable<GateSummary["tests"]> = [];
  const pvs: Float64Array[] = [];
  let hits: Float64Array | null = null;
  let pShadow: Float64Array | null = null;
  let uni: ReturnType<typeof univariateTests> | null = null;
  for (const test of cfg.tests) {
    try {
      if (test === "shadow") {
        const r = await shadowTest(ctx, { family: cfg.shadow.family, hyperparameters: cfg.shadow.hyperparameters, rounds: cfg.shadow.rounds, max_rows: cfg.shadow.max_rows, shadow: cfg.shadow.shadow });
        if (r.rounds === 0) throw new Error("no round could be fitted (too few labelled training cells)");
        hits = r.hits;
        pShadow = r.pHit;
        pvs.push(r.pHit);
        tests.push({ test, status: "ok", rounds: r.rounds, shadow: cfg.shadow.shadow });
      } else {
        uni = univariateTests(ctx, cfg.univariate.blocks);
        pvs.push(uni.p);
        tests.push({ test, status: "ok", blocks: uni.blocks });
      }
    } catch (err) {
      if (ctx.signal?.aborted) throw err;
      const error = err instanceof Error ? err.message : String(err);
      ctx.log?.warn(`significance gate: the ${test} test failed; the other tests decide`, { target: ctx.data.target.name, test, error });
      tests.push({ test, status: "failed", error });
    }
  }
  if (pvs.length === 0) {
    throw new Error(`the significance gate's tests all failed (${tests.map((t) => `${t.test}: ${t.error}`).join("; ")})`);
  }
  const p = combined(pvs, F);
  const q = adjustPValues(p, cfg.correction);
  const num = (a: Float64Array | null | undefined, f: number) => (a && Number.isFinite(a[f]) ? a[f] : null);
  const rows = Array.from({ length: F }, (_, f): GateRow => ({
    hits: num(hits, f),
    p_shadow: num(pShadow, f),
    ic: num(uni?.ic, f),
    t: num(uni?.t, f),
    p_univariate: num(uni?.p, f),
    p: num(p, f),
    q: num(q, f),
    passed: q[f] <= cfg.alpha,
  }));
  const passed = rows.filter((r) => r.passed).length;
  return { rows, summary: { enabled: true, alpha: cfg.alpha, correction: cfg.correction, tests, passed, seconds: Math.round(performance.now() - started) / 1000 } };
}

/**
 * Bonferroni combination per feature: min(1, k min p) over the k tests with a finite p for it; a
 * feature no test could judge gets p = 1 (it has shown nothing).
 */
function combined(pvs: readonly Float64Array[], F: number): Float64Array {
  const out = new Float64Array(F);
  for (let f = 0; f < F; f++) {
    let k = 0;
    let min = Infinity;
    for (const pv of pvs) {
      if (!Number.isFinite(pv[f])) continue;
      k++;
      min = Math.min(min, pv[f]);
    }
    out[f] = k === 0 ? 1 : Math.min(1, k * min);
  }
  return out;
}

/** One line on why a candidate did or did not pass, for the selection file's reasons. */
export function gateText(r: GateRow, summary: GateSummary): string {
  const parts: string[] = [];
  const rounds = summary.tests?.find((t) => t.test === "shadow" && t.status === "ok")?.rounds;
  if (r.hits !== null && rounds !== undefined) parts.push(`beat every shadow in ${r.hits} of ${rounds} rounds (p ${fmt(r.p_shadow)})`);
  if (r.t !== null || r.p_univariate !== null) parts.push(`rank IC ${fmt(r.ic)}, block t ${fmt(r.t)} (p ${fmt(r.p_univariate)})`);
  const verdict = r.passed ? `q ${fmt(r.q)} <= alpha ${summary.alpha}` : `q ${fmt(r.q)} > alpha ${summary.alpha}`;
  return `${parts.join("; ")}; combined p ${fmt(r.p)}, ${verdict} (${summary.correction})`;
}

function fmt(v: number | null): string {
  if (v === null) return "n/a";
  if (v !== 0 && Math.abs(v) < 1e-3) return v.toExponential(1);
  return String(Math.round(v * 1000) / 1000);
}
