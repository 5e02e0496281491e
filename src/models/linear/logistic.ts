import { cdNaive, freeColumns } from "./cd.js";
import { PathStop, type PathFit, type PathStopOptions } from "./grid.js";
import { lbfgs } from "./lbfgs.js";
import { linearPredictors, logLossOf, lossGradient, penaltyOf, probabilitiesOf, target, type LogisticProblem } from "./logistic-loss.js";

/**
 * Penalized logistic regression along a lambda path:
 *   sum_i v_i loss_i(z_i) + lambda (a |beta|_1 + (1 - a)/2 |beta|^2),  intercepts unpenalized.
 * newton_cd: proximal Newton (glmnet): a weighted least-squares model of the loss around the
 * current fit, solved by coordinate descent, then a backtracking step that never increases the
 * objective; multinomial cycles the classes (one block of coefficients per class).
 * lbfgs: L-BFGS on the smooth L2 objective.
 */

/** Smallest p(1 - p) used as a Newton weight (glmnet's floor): keeps the model finite near 0 or 1. */
const MIN_CURVATURE = 1e-5;
const MAX_NEWTON_STEPS = 200;
/** Relative rounding noise tolerated in the objective by the line search. */
const F_NOISE = 1e-12;

export interface LogisticState {
  /** Output-major [nOut x p]. */
  beta: Float64Array;
  b: Float64Array;
  /** Output-major [nOut x n] linear predictors, kept equal to offset + b + X beta. */
  z: Float64Array;
}

export function initialState(prob: LogisticProblem): LogisticState {
  const state = { beta: new Float64Array(prob.nOut * prob.p), b: new Float64Array(prob.nOut), z: new Float64Array(prob.nOut * prob.n) };
  linearPredictors(prob, state.beta, state.b, state.z);
  return state;
}

interface Scratch {
  h: Float64Array;
  e: Float64Array;
  eInit: Float64Array;
  zSave: Float64Array;
  P: Float64Array;
  hjj: Float64Array;
  oldBeta: Float64Array;
  newBeta: Float64Array;
  box: Float64Array;
  gBeta: Float64Array;
  gB: Float64Array;
}

function scratchFor(prob: LogisticProblem): Scratch {
  const { n, p, nOut } = prob;
  return {
    h: new Float64Array(n),
    e: new Float64Array(n),
    eInit: new Float64Array(n),
    zSave: new Float64Array(n),
    P: new Float64Array(nOut * n),
    hjj: new Float64Array(p),
    oldBeta: new Float64Array(p),
    newBeta: new Float64Array(p),
    box: new Float64Array(1),
    gBeta: new Float64Array(nOut * p),
    gB: new Float64Array(nOut),
  };
}

/** Proximal Newton with coordinate descent from `state` (warm start); updates it in place. */
export function newtonCd(
  prob: LogisticProblem,
  state: LogisticState,
  l1: number,
  l2: number,
  free: Int32Array,
  thresh: number,
  gtol: number,
  maxPasses: number,
  sc: Scratch = scratchFor(prob),
): { iterations: number; converged: boolean } {
  const { Xc, n, p, nOut, v } = prob;
  const { beta, b, z } = state;
  const { h, e, eInit, zSave, P, hjj, oldBeta, newBeta, box } = sc;
  const objective = () => logLossOf(prob, z) + penaltyOf(beta, l1, l2);
  let f = objective();
  let iterations = 0;
  for (let step = 0; step < MAX_NEWTON_STEPS; step++) {
    let maxChange = 0;
    let innerConverged = true;
    let moved = false;
    for (let k = 0; k < nOut; k++) {
      probabilitiesOf(prob, z, P);
      let hsum = 0;
      for (let i = 0; i < n; i++) {
        const pk = P[k * n + i];
        const q = Math.max(pk * (1 - pk), MIN_CURVATURE);
        h[i] = v[i] * q;
        hsum += h[i];
        e[i] = (target(prob, k, i) - pk) / q;
      }
      eInit.set(e);
      for (let q = 0; q < free.length; q++) {
        const off = free[q] * n;
        let s = 0;
        for (let i = 0; i < n; i++) s += h[i] * Xc[off + i] * Xc[off + i];
        hjj[free[q]] = s;
      }
      const bk = beta.subarray(k * p, (k + 1) * p);
      oldBeta.set(bk);
      const oldB = b[k];
      box[0] = oldB;
      const r = cdNaive({ Xc, n, p, h, hjj, e }, bk, prob.fitIntercept ? box : null, l1, l2, free, thresh, maxPasses);
      iterations += r.passes;
      innerConverged &&= r.converged;
      newBeta.set(bk);
      const newB = box[0];
      const zk = z.subarray(k * n, (k + 1) * n);
      zSave.set(zk);
      // Backtracking: the quadratic model can overshoot far from the optimum; never go uphill.
      let t = 1;
      let accepted = false;
      let fNew = f;
      for (let ls = 0; ls < 40; ls++) {
        for (let i = 0; i < n; i++) zk[i] = zSave[i] + t * (eInit[i] - e[i]);
        for (let j = 0; j < p; j++) bk[j] = oldBeta[j] + t * (newBeta[j] - oldBeta[j]);
        b[k] = oldB + t * (newB - oldB);
        fNew = objective();
        // The loss is a sum over all rows, so it carries rounding noise of about 1e-13 relative on
        // large data; near the optimum a Newton step's true decrease is smaller than that. Changes
        // inside the noise band are accepted (the quadratic model is exact there), real increases not.
        if (fNew <= f + F_NOISE * Math.max(1, Math.abs(f))) {
          accepted = true;
          break;
        }
        t *= 0.5;
      }
      if (!accepted) {
        zk.set(zSave);
        bk.set(oldBeta);
        b[k] = oldB;
        continue;
      }
      f = fNew;
      moved = true;
      for (let q = 0; q < free.length; q++) {
        const j = free[q];
        const d = bk[j] - oldBeta[j];
        maxChange = Math.max(maxChange, hjj[j] * d * d);
      }
      const db = b[k] - oldB;
      maxChange = Math.max(maxChange, hsum * db * db);
    }
    // Small steps are not enough when classes are updated one block at a time (slow linear
    // convergence): also require the optimality conditions to hold to the gradient tolerance.
    const optimal = maxChange <= thresh && kktViolation(prob, state, l1, l2, free, P, sc) <= gtol;
    if (optimal) return { iterations, converged: innerConverged };
    // Every block's step went uphill at every step size: no further progress is possible.
    if (!moved) return { iterations, converged: false };
  }
  return { iterations, converged: false };
}

/** Largest violation of the optimality conditions (subgradient of the penalized objective) at `state`. */
function kktViolation(prob: LogisticProblem, state: LogisticState, l1: number, l2: number, free: Int32Array, P: Float64Array, sc: Scratch): number {
  const { p, nOut } = prob;
  probabilitiesOf(prob, state.z, P);
  const gBeta = sc.gBeta;
  const gB = sc.gB;
  lossGradient(prob, P, gBeta, gB, sc.h);
  let worst = 0;
  if (prob.fitIntercept) for (let k = 0; k < nOut; k++) worst = Math.max(worst, Math.abs(gB[k]));
  for (let k = 0; k < nOut; k++) {
    for (let q = 0; q < free.length; q++) {
      const j = free[q];
      const b = state.beta[k * p + j];
      const g = gBeta[k * p + j] + l2 * b;
      worst = Math.max(worst, b === 0 ? Math.max(0, Math.abs(g) - l1) : Math.abs(g + l1 * Math.sign(b)));
    }
  }
  return worst;
}

/** L-BFGS on the L2-penalized objective from `state` (warm start); updates it in place. */
export function lbfgsL2(prob: LogisticProblem, state: LogisticState, l2: number, tol: number, maxIter: number): { iterations: number; converged: boolean } {
  const { n, p, nOut } = prob;
  const nb = nOut * p;
  const P = new Float64Array(nOut * n);
  const resid = new Float64Array(n);
  const x = new Float64Array(nb + nOut);
  x.set(state.beta);
  x.set(state.b, nb);
  const fg = (xv: Float64Array, g: Float64Array): number => {
    const beta = xv.subarray(0, nb);
    const b = xv.subarray(nb);
    linearPredictors(prob, beta, b, state.z);
    probabilitiesOf(prob, state.z, P);
    const gBeta = g.subarray(0, nb);
    const gB = g.subarray(nb);
    lossGradient(prob, P, gBeta, gB, resid);
    for (let i = 0; i < nb; i++) gBeta[i] += l2 * beta[i];
    if (!prob.fitIntercept) gB.fill(0);
    return logLossOf(prob, state.z) + penaltyOf(beta, 0, l2);
  };
  const r = lbfgs(fg, x, { gtol: tol, ftol: 64 * Number.EPSILON, maxIter });
  state.beta.set(x.subarray(0, nb));
  state.b.set(x.subarray(nb));
  linearPredictors(prob, state.beta, state.b, state.z);
  return { iterations: r.iterations, converged: r.converged };
}

/**
 * The intercept-only fit and the largest useful lambda: at lambda >= lambdaMax every coefficient
 * is 0 (for a pure L2 penalty, glmnet's convention of l1Ratio 0.001 gives a large finite start).
 */
export function logisticNull(prob: LogisticProblem, l1Ratio: number, maxPasses: number): { state: LogisticState; nullLoss: number; lambdaMax: number } {
  const state = initialState(prob);
  newtonCd(prob, state, 0, 0, new Int32Array(0), 1e-14, 1e-10, maxPasses);
  const nullLoss = logLossOf(prob, state.z);
  const { n, p, nOut } = prob;
  const P = new Float64Array(nOut * n);
  probabilitiesOf(prob, state.z, P);
  const gBeta = new Float64Array(nOut * p);
  lossGradient(prob, P, gBeta, new Float64Array(nOut), new Float64Array(n));
  let m = 0;
  for (let i = 0; i < gBeta.length; i++) m = Math.max(m, Math.abs(gBeta[i]));
  return { state, nullLoss, lambdaMax: m / Math.max(l1Ratio, 1e-3) };
}

export interface LogisticPathOptions extends PathStopOptions {
  l1Ratio: number;
  solver: "newton_cd" | "lbfgs";
  tol: number;
  maxIter: number;
}

/** The path over `lambdas` (largest first) with warm starts from the intercept-only fit. */
export function logisticPath(prob: LogisticProblem, lambdas: number[], opts: LogisticPathOptions): PathFit {
  const free = freeColumns(prob.skip);
  const { state, nullLoss } = logisticNull(prob, opts.l1Ratio, opts.maxIter);
  const thresh = opts.tol * Math.max(nullLoss, 1e-12);
  const sc = scratchFor(prob);
  const stop = new PathStop();
  const out: PathFit = { lambdas: [], coef: [], intercept: [], converged: [], iterations: 0 };
  for (const lambda of lambdas) {
    const l1 = lambda * opts.l1Ratio;
    const l2 = lambda * (1 - opts.l1Ratio);
    const r = opts.solver === "lbfgs" ? lbfgsL2(prob, state, l2, opts.tol, opts.maxIter) : newtonCd(prob, state, l1, l2, free, thresh, opts.tol, opts.maxIter, sc);
    let nnz = 0;
    for (let j = 0; j < prob.p; j++) {
      for (let k = 0; k < prob.nOut; k++) {
        if (state.beta[k * prob.p + j] !== 0) {
          nnz++;
          break;
        }
      }
    }
    if (opts.maxActive !== undefined && nnz > opts.maxActive && out.lambdas.length > 0) break;
    const intercept = Float64Array.from(state.b);
    if (prob.nOut > 1) {
      // Softmax ignores a common shift of the intercepts; report the centered (unique) ones.
      let mean = 0;
      for (const x of intercept) mean += x;
      mean /= intercept.length;
      for (let k = 0; k < intercept.length; k++) intercept[k] -= mean;
    }
    out.lambdas.push(lambda);
    out.coef.push(Float64Array.from(state.beta));
    out.intercept.push(intercept);
    out.converged.push(r.converged);
    out.iterations += r.iterations;
    if (opts.stopEarly && stop.saturated(1 - logLossOf(prob, state.z) / nullLoss)) break;
  }
  return out;
}
