/**
 * Small text formatters for the `foxml runs` views: figures, durations, deltas and aligned tables.
 */
import type { FigureValue } from "./run-folder.js";

/** Integers as they are; other numbers to 4 significant digits (0.01234, 1.235, 1235), text as is. */
export function formatFigure(v: FigureValue | null): string {
  if (v === null) return "-";
  if (typeof v === "string") return v;
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  if (Math.abs(v) >= 1e4) return String(Math.round(v));
  return String(Number(v.toPrecision(4)));
}

/** "+0.0123 (+4.5%)"; relative part only when known; "" for no change. */
export function formatDelta(delta: number | null, relative: number | null): string {
  if (delta === null || delta === 0) return "";
  const sign = delta > 0 ? "+" : "-";
  const abs = formatFigure(Math.abs(delta));
  if (relative === null) return `${sign}${abs}`;
  const pct = Math.abs(relative * 100);
  return `${sign}${abs} (${sign}${pct >= 100 ? Math.round(pct) : Number(pct.toPrecision(2))}%)`;
}

/** 0.4s, 12.3s, 4m05s, 2h03m; "-" when unknown. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return "-";
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, "0")}m` : `${m}m${String(s).padStart(2, "0")}s`;
}

/** The first 12 characters of a hash: enough to tell runs apart on screen. */
export function shortHash(hash: string | null): string {
  if (hash === null) return "-";
  return hash.length > 12 ? hash.slice(0, 12) : hash;
}

/** Cuts text to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Cuts text to `max` characters in the middle, keeping both ends (file paths differ at the end). */
export function clipMiddle(text: string, max: number): string {
  if (text.length <= max) return text;
  const head = Math.ceil((max - 1) / 3);
  return `${text.slice(0, head)}…${text.slice(text.length - (max - 1 - head))}`;
}

export type Align = "left" | "right";

/**
 * Rows as aligned columns, two spaces apart, header first. Columns are right-aligned when marked
 * so (numbers); trailing spaces are trimmed.
 */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (align[i] === "right" ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)].join("\n") + "\n";
}

/** "key   value" lines with the keys padded to one width. */
export function renderFields(fields: readonly (readonly [string, string])[], indent = "  "): string {
  const w = Math.max(0, ...fields.map(([k]) => k.length));
  return fields.map(([k, v]) => `${indent}${k.padEnd(w)}  ${v}`.trimEnd()).join("\n") + "\n";
}
