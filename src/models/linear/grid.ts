/** Lambda grids: log-spaced from the largest useful lambda down, as glmnet and scikit-learn do. */

/** Raw solver output along a grid: standardized-scale coefficients per lambda. */
export interface PathFit {
  lambdas: number[];
  /** Per lambda: coefficients, output-major [nOutputs x nCols]. */
  coef: Float64Array[];
  /** Per lambda: one intercept per output (standardized design scale). */
  intercept: Float64Array[];
  converged: boolean[];
  /** Total solver iterations (coordinate passes, Newton steps or L-BFGS iterations). */
  iterations: number;
}

/** n log-spaced values from hi down to hi * minRatio (just [hi] when n = 1). */
export function logGrid(hi: number, minRatio: number, n: number): number[] {
  if (n === 1) return [hi];
  const out: number[] = [];
  const step = Math.log(minRatio) / (n - 1);
  for (let i = 0; i < n; i++) out.push(hi * Math.exp(step * i));
  out[n - 1] = hi * minRatio;
  return out;
}

/**
 * The grid for a fixed target lambda: the log-spaced warm-start path from lambdaMax down to it (the
 * target last), or just [lambda] when it is at or above lambdaMax (all penalized coefficients are 0).
 */
export function gridTo(lambdaMax: number, lambda: number, n: number): number[] {
  if (!(lambda < lambdaMax) || lambda <= 0 || n === 1) return [lambda];
  const g = logGrid(lambdaMax, lambda / lambdaMax, n);
  g[n - 1] = lambda;
  return g;
}

/** glmnet's default smallest ratio: deeper when there are more rows than features. */
export function defaultMinRatio(nRows: number, nCols: number): number {
  return nRows > nCols ? 1e-4 : 1e-2;
}

/** A safe largest lambda when the data give none (constant target: every coefficient is 0). */
export function usableLambdaMax(x: number): number {
  return Number.isFinite(x) && x > 0 ? x : 1;
}

export interface PathStopOptions {
  /** Stop once more than this many coefficients are nonzero. */
  maxActive: number | undefined;
  /** glmnet's rules: stop when the fit explains > 99.9% of the null loss or stops improving. */
  stopEarly: boolean;
}

/**
 * glmnet's path termination: once the deviance ratio (share of the null loss explained) exceeds
 * 0.999 or grows by less than 1e-5 of itself from one lambda to the next, smaller lambdas only fit
 * noise (or chase a separating hyperplane) and cost most of the time. Applies after 5 lambdas.
 */
export class PathStop {
  private prev = 0;
  private count = 0;
  saturated(devRatio: number): boolean {
    this.count++;
    const flat = devRatio - this.prev < 1e-5 * devRatio;
    this.prev = devRatio;
    return this.count >= 5 && (devRatio > 0.999 || flat);
  }
}
