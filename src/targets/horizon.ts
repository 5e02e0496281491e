import { INTERVAL_MS, type IntervalInfo } from "../data/types.js";
import { InputError } from "../util/errors.js";
import type { HorizonInput } from "./definition.js";

const MINUTE = 60_000;
const DAY = 86_400_000;
const UNIT_MS: Record<string, number> = { m: MINUTE, h: 60 * MINUTE };

/**
 * A horizon in bars. Durations convert with the bar size, exactly or not at all:
 *  - minutes and hours ("60m", "4h") on intraday bars: duration / bar size, which must divide;
 *  - days ("5d") only on daily bars and weeks ("2w") only on weekly bars, where they count bars.
 * Other combinations are ambiguous (is a week 5 trading days or 7 calendar days? is a day 78
 * five-minute bars or 288?) and are refused with a hint to write bars.
 */
export function horizonToBars(h: HorizonInput, interval: IntervalInfo | undefined, target: string): number {
  if (typeof h === "number") return h;
  const m = /^(\d+)(m|h|d|w)?$/.exec(h);
  if (!m) throw new InputError(`target "${target}": horizon "${h}" is not a number of bars or a duration like 60m, 4h, 5d`);
  const n = Number(m[1]);
  const unit = m[2];
  if (n < 1) throw new InputError(`target "${target}": horizon must be at least 1, got "${h}"`);
  if (unit === undefined) return n;
  const bar = interval?.interval;
  const hint = `write the horizon in bars instead (e.g. ${target.replace(h, "5")})`;
  if (bar === undefined || bar === "irregular") {
    throw new InputError(`target "${target}": horizon "${h}" is a duration but the data has no regular bar size`, hint);
  }
  const barMs = INTERVAL_MS[bar];
  if (unit === "d" || unit === "w") {
    if ((unit === "d" && bar === "1d") || (unit === "w" && bar === "1w")) return n;
    throw new InputError(`target "${target}": horizon "${h}" is ambiguous on ${bar} bars (trading sessions and calendar days differ)`, hint);
  }
  if (barMs >= DAY) throw new InputError(`target "${target}": horizon "${h}" is shorter than or not aligned with the ${bar} bars`, hint);
  const ms = n * UNIT_MS[unit];
  if (ms % barMs !== 0) throw new InputError(`target "${target}": horizon "${h}" is not a whole number of ${bar} bars`, hint);
  return ms / barMs;
}
