/**
 * A user column whose data checks found a leak: its declared (or assumed) lag does not hold. The
 * useful question then is how much later it would have to be used to pass, because a column
 * stamped k bars too early passes with k more bars of lag. That number turns the verdict into an
 * instruction: declare lag L + k, or fix the column.
 */
import type { FeatureSpec } from "../features/spec.js";
import type { TargetSpec } from "../targets/spec.js";
import { prescanScanned, type PrescanContext } from "./prescan.js";
import type { CheckResult } from "./types.js";
import { evidence, result } from "./verdict.js";
import { extract, shiftWithinSymbols } from "./views.js";

/**
 * The smallest extra lag (1..maxExtra bars) after which every pre-scan check is OK, or null. OK,
 * not merely "not LEAK": a centred average used one bar later still holds a fifth of the next bar's
 * return, which is no longer implausible but still wrong.
 */
export function extraLagToPass(grid: ArrayLike<number>, ctx: PrescanContext, maxExtra: number): number | null {
  const { T, S } = ctx.frame;
  const level = extract(grid, ctx.frame);
  for (let k = 1; k <= maxExtra; k++) {
    const checks = prescanScanned("x", shiftWithinSymbols(level, T, S, k), ctx);
    if (checks.every((c) => c.verdict === "OK")) return k;
  }
  return null;
}

/** The declared-lag verdict of a user column whose data checks found a leak. */
export function userLagCheck(spec: FeatureSpec, grid: ArrayLike<number>, ctx: PrescanContext, target: Pick<TargetSpec, "window">): CheckResult {
  const maxExtra = target.window + 1;
  const k = extraLagToPass(grid, ctx, maxExtra);
  const declared = `"${spec.name}" is used with a lag of ${spec.lag} bar(s)${spec.lag === 0 ? " (the default for an undeclared column)" : ""}, but that lag does not hold: the values behave as if they use bars after t.`;
  if (k === null) {
    return result(
      "declared_lag",
      "LEAK",
      evidence("extra bars of lag after which the data checks pass", null, maxExtra),
      `${declared} No extra delay up to ${maxExtra} bars makes it pass the data checks: it is built from the target's own window, or from more of the future. Exclude it or recompute it from past data.`,
    );
  }
  return result(
    "declared_lag",
    "LEAK",
    evidence("extra bars of lag after which the data checks pass", k, 0),
    `${declared} Used ${k} bar(s) later it passes: if its values are stamped ${k} bar(s) too early, declare lag ${spec.lag + k} in pipeline.features.user_columns.`,
  );
}
