/**
 * The Normal outcome of NGBoost on a standardized target, parameterized by (loc, log scale):
 * negative log-likelihood, its gradient and the natural gradient (the gradient premultiplied by the
 * inverse Fisher information diag(1 / scale^2, 2)), which makes steps invariant to how the
 * distribution is parameterized.
 */

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

export function normalNll(y: number, loc: number, logScale: number): number {
  const z = (y - loc) * Math.exp(-logScale);
  return logScale + 0.5 * z * z + HALF_LOG_2PI;
}

/** Writes the (natural) gradient of the NLL with respect to loc and log scale at each row. */
export function normalGradients(y: Float64Array, loc: Float64Array, logScale: Float64Array, natural: boolean, gLoc: Float64Array, gLog: Float64Array): void {
  for (let i = 0; i < y.length; i++) {
    const r = y[i] - loc[i];
    const inv = Math.exp(-2 * logScale[i]);
    const z2 = r * r * inv;
    if (natural) {
      gLoc[i] = -r;
      gLog[i] = 0.5 * (1 - z2);
    } else {
      gLoc[i] = -r * inv;
      gLog[i] = 1 - z2;
    }
  }
}
