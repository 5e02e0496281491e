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
 * An extra lag (1..maxExtra bars) after which every pre-scan check is OK, or null: OK, not merely
 * "not LEAK", since a centred average used one bar later still holds a fifth of the next bar's
 * return, which is no longer implausible but still wrong. Lags are tried doubling (1, 2, 4, ...)
 * and the first pass is then bisected against the last failure, so the answer is a k that passes
 * with k - 1 failing, found in about 2 log2(maxExtra) scans instead of up to maxExtra: against a
 * 60-bar target a leak's lag is found in 12 scans, not 60 (and a tie that fades with the lag, as
 * a leak's does, passes from some k on, so this is the smallest k).
 */
export function extraLagToPass(grid: ArrayLike<number>, ctx: PrescanContext, maxExtra: number): number | null {
  const { T, S } = ctx.frame;
  const level = extract(grid, ctx.frame);
  const passes = (k: number) => prescanScanned("x", shiftWithinSymbols(level, T, S, k), ctx).every((c) => c.verdict === "OK");
  let fail = 0;
  let pass = 0;
  for (let k = 1; ; k = Math.min(2 * k, maxExtra)) {
    if (passes(k)) {
      pass = k;
      break;
    }
    fail = k;
    if (k >= maxExtra) return null;
  }
  while (pass - fail > 1) {
    const mid = (fail + pass) >>> 1;
    if (passes(mid)) pass = mid;
    else fail = mid;
  }
  return pass;
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
