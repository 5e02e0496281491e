import { InputError } from "../util/errors.js";

const SPAN_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** An ISO date/time, or a span back from `now` ("30m", "12h", "7d", "2w"); `label` names the input in errors. */
export function parseSince(text: string, now: Date, label = "--since"): Date {
  const span = /^\s*(\d+(?:\.\d+)?)\s*([mhdw])\s*$/i.exec(text);
  if (span !== null) return new Date(now.getTime() - Number(span[1]) * SPAN_UNITS[span[2].toLowerCase()]);
  const t = /^\d{4}-\d{2}-\d{2}/.test(text.trim()) ? Date.parse(text.trim()) : NaN;
  if (Number.isNaN(t)) throw new InputError(`invalid ${label} "${text}"`, "give an ISO date or time (2026-11-28, 2026-11-28T10:15:00Z) or a span back from now (30m, 12h, 7d, 2w)");
  return new Date(t);
}
