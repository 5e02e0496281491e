/**
 * The TPE sampler (Bergstra et al. 2011), independent per parameter as in Hyperopt and Optuna's
 * default: the observed trials are split at the gamma quantile of their scores into a "good" group
 * and the rest; per parameter, l(x) is the Parzen density of the good values and g(x) that of the
 * others; candidates are drawn from l and the one with the largest l(x) / g(x) is proposed (the
 * maximiser of expected improvement under this model). The first `startupTrials` proposals are
 * uniform over the space (log-uniform for log ranges), which gives the densities something to fit.
 *
 * Scores are maximised. Pruned and failed trials (NaN score) always belong to the bad group: they
 * were judged hopeless, which is exactly what g(x) should learn to avoid.
 *
 * Stateless and seeded: a proposal depends only on (seed, trial index, the history), so a study is
 * reproducible and can be resumed from its history.
 */
import { Rng } from "../../util/random.js";
import { CategoricalParzen, NumericParzen } from "./parzen.js";
import { fromInternal, internalBounds, toInternal, type ParamSpec, type SearchSpace } from "./space.js";

export interface TpeOptions {
  seed: number;
  /** Proposals drawn uniformly before the densities are used. */
  startupTrials: number;
  /** Share of the observed trials that form the good group (at least one trial). */
  gamma: number;
  /** Candidates drawn from l(x) per parameter and proposal. */
  candidates: number;
  /** Weight of the flat prior component in each density (default 1). */
  priorWeight?: number;
}

/** A finished trial as the sampler sees it. */
export interface Observation {
  params: Record<string, unknown>;
  /** Higher is better; NaN for trials without a score. */
  score: number;
  pruned: boolean;
}

export class TpeSampler {
  private readonly keys: string[];

  constructor(
    private readonly space: SearchSpace,
    private readonly options: TpeOptions,
  ) {
    if (!(options.gamma > 0 && options.gamma <= 1)) throw new RangeError(`TPE gamma must be in (0, 1], got ${options.gamma}`);
    if (!(options.candidates >= 1)) throw new RangeError(`TPE needs at least one candidate, got ${options.candidates}`);
    this.keys = Object.keys(space).sort();
  }

  /**
   * The parameters to try as trial `trial` (0-based), given the trials observed so far. `attempt`
   * numbers re-draws of the same trial (after a repeat); `random` forces a uniform draw.
   */
  sample(history: readonly Observation[], trial: number, attempt = 0, random = false): Record<string, unknown> {
    const rng = new Rng(this.options.seed).fork(`tpe:${trial}:${attempt}`);
    const { good, bad } = this.split(history);
    const useModel = !random && trial >= this.options.startupTrials && good.length > 0;
    const out: Record<string, unknown> = {};
    for (const key of this.keys) {
      const spec = this.space[key];
      const r = rng.fork(key);
      out[key] = useModel ? this.proposeParam(key, spec, good, bad, r) : randomValue(spec, r);
    }
    return out;
  }

  /** Good = the best ceil(gamma x n) scored trials; bad = everything else, unscored ones included. */
  private split(history: readonly Observation[]): { good: Observation[]; bad: Observation[] } {
    const scored = history
      .map((o, i) => ({ o, i }))
      .filter(({ o }) => !o.pruned && Number.isFinite(o.score))
      .sort((a, b) => b.o.score - a.o.score || a.i - b.i);
    const nGood = Math.min(scored.length, Math.max(1, Math.ceil(this.options.gamma * history.length)));
    const good = scored.slice(0, nGood).map(({ o }) => o);
    const goodSet = new Set(good);
    return { good, bad: history.filter((o) => !goodSet.has(o)) };
  }

  private proposeParam(key: string, spec: ParamSpec, good: readonly Observation[], bad: readonly Observation[], rng: Rng): unknown {
    const values = (group: readonly Observation[]) => {
      const xs: number[] = [];
      for (const o of group) {
        const x = toInternal(spec, o.params[key]);
        if (x !== undefined) xs.push(x);
      }
      return xs;
    };
    const prior = this.options.priorWeight ?? 1;
    if (spec.type === "categorical") {
      const K = spec.choices.length;
      const l = new CategoricalParzen(values(good), K, prior);
      const g = new CategoricalParzen(values(bad), K, prior);
      return spec.choices[pickBest(this.options.candidates, () => l.sample(rng), (i) => l.logPdf(i) - g.logPdf(i))];
    }
    const [lo, hi] = internalBounds(spec);
    const l = new NumericParzen(values(good), lo, hi, prior);
    const g = new NumericParzen(values(bad), lo, hi, prior);
    // Integers are judged at the value they round to, so the ratio refers to what is evaluated.
    const snap = (x: number) => toInternal(spec, fromInternal(spec, x)) ?? x;
    const best = pickBest(this.options.candidates, () => snap(l.sample(rng)), (x) => l.logPdf(x) - g.logPdf(x));
    return fromInternal(spec, best);
  }
}

/** Draws n candidates and returns the one with the largest score (the first on ties). */
function pickBest(n: number, draw: () => number, score: (x: number) => number): number {
  let best = NaN;
  let bestScore = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = draw();
    const s = score(x);
    if (Number.isNaN(best) || s > bestScore) {
      best = x;
      bestScore = s;
    }
  }
  return best;
}

/** A uniform draw over the range (log-uniform on log ranges; each choice equally likely). */
export function randomValue(spec: ParamSpec, rng: Rng): unknown {
  if (spec.type === "categorical") return spec.choices[rng.int(0, spec.choices.length)];
  const [lo, hi] = internalBounds(spec);
  return fromInternal(spec, rng.uniformIn(lo, hi));
}
