import { CROSS_SECTION_MIN_COUNT } from "../convention.js";
import { csDemean, csRank, csRelative, csWinsorize, csZscore } from "../kernels/cross.js";
import type { CrossSectionalFeatureSpec, FeatureSpec } from "../spec.js";

export const CS_TRANSFORMS = ["rank", "zscore", "demean", "winsorize", "rel_market"] as const;
export type CsTransform = (typeof CS_TRANSFORMS)[number];

/** Default quantile each tail is clipped at by the winsorize transform. */
export const DEFAULT_WINSOR_QUANTILE = 0.01;

const SUFFIX: Record<CsTransform, string> = {
  rank: "cs_rank",
  zscore: "cs_z",
  demean: "cs_demean",
  winsorize: "cs_winsor",
  rel_market: "cs_relmkt",
};

/** The name of transform `t` of feature `base`. */
export function crossSectionalName(base: string, t: CsTransform): string {
  return `${base}__${SUFFIX[t]}`;
}

/**
 * A per-timestamp transform of `base` across symbols. It reads the same rows as the base, so it
 * inherits the base's inputs, lookback and lag; the only new dependency is on other symbols at the
 * same timestamp, which the decision-time convention allows.
 */
export function crossSectionalSpec(base: FeatureSpec, t: CsTransform, winsorQuantile = DEFAULT_WINSOR_QUANTILE): CrossSectionalFeatureSpec {
  if (!(winsorQuantile >= 0 && winsorQuantile < 0.5)) throw new RangeError(`winsorize quantile must be in [0, 0.5), got ${winsorQuantile}`);
  const what: Record<CsTransform, string> = {
    rank: "rank across symbols scaled to [0, 1] (ties averaged)",
    zscore: "z-score across symbols ((x - mean) / sample sd)",
    demean: "minus the cross-sectional mean",
    winsorize: `clipped to the cross-section's [${winsorQuantile}, ${1 - winsorQuantile}] quantiles`,
    rel_market: "minus the market proxy symbol's value at the same timestamp",
  };
  const minCount = CROSS_SECTION_MIN_COUNT;
  const computeRow: CrossSectionalFeatureSpec["computeRow"] = (row, off, out, ctx) => {
    switch (t) {
      case "rank":
        return csRank(row, off, out, ctx.S, ctx.values, minCount);
      case "zscore":
        return csZscore(row, off, out, ctx.S, minCount);
      case "demean":
        return csDemean(row, off, out, ctx.S, minCount);
      case "winsorize":
        return csWinsorize(row, off, out, ctx.S, ctx.values, winsorQuantile, minCount);
      case "rel_market":
        return csRelative(row, off, out, ctx.S, ctx.marketProxy);
    }
  };
  return {
    name: crossSectionalName(base.name, t),
    family: `cs_${t}`,
    inputs: base.inputs,
    lookback: base.lookback,
    lag: base.lag,
    kind: "cross_sectional",
    base: base.name,
    description: `${base.name} ${what[t]} per timestamp (NaN with fewer than ${minCount} finite values)`,
    origin: base.origin,
    lookbackKnown: base.lookbackKnown,
    ...(base.allowedHorizons ? { allowedHorizons: base.allowedHorizons } : {}),
    applicable:
      t === "rel_market"
        ? (info) => (info.marketProxy < 0 ? "no market proxy symbol is configured (features.market_proxy)" : null)
        : undefined,
    computeRow,
  };
}

/** Transforms the standard set applies by default: rank and z-score of a few core signals. */
export const DEFAULT_CROSS_SECTIONAL: ReadonlyArray<{ features: readonly string[]; transforms: readonly CsTransform[] }> = [
  {
    features: ["ret_1", "mom_5", "mom_20", "mom_60", "mom_252_21", "vol_cc_20", "rsi_14", "dist_sma_50", "dollar_vol_avg_20", "volume_z_20"],
    transforms: ["rank", "zscore"],
  },
  { features: ["ret_1", "mom_20"], transforms: ["rel_market"] },
];
