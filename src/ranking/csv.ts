/**
 * target_rankings.csv: the rankings as one flat table, one row per target, for spreadsheets and
 * pandas. RFC 4180: CRLF line ends, a field with a comma, double quote, CR or LF is quoted and its
 * quotes doubled. Undefined numbers are empty fields.
 */
import type { TargetRankingsFile } from "../artifacts/run-files.js";
import type { RankingFamilyCell } from "./rank.js";

const HEADLINE = ["rank", "target", "type", "horizon", "metric", "skill", "stability", "agreement", "t_stat", "composite", "kept", "reason"] as const;

/**
 * Columns: the headline figures, then per family (in the file's by_family order) its status,
 * skill, t-statistic and skill per fold (`<family>_fold<k>`, k from 1).
 */
export function rankingsCsv(file: TargetRankingsFile): string {
  const families: string[] = [];
  const foldCount = new Map<string, number>();
  for (const row of file.targets) {
    for (const [name, cell] of Object.entries(row.by_family)) {
      if (!foldCount.has(name)) {
        families.push(name);
        foldCount.set(name, 0);
      }
      foldCount.set(name, Math.max(foldCount.get(name)!, cell.folds.length));
    }
  }
  const header: string[] = [...HEADLINE];
  for (const f of families) {
    header.push(`${f}_status`, `${f}_skill`, `${f}_t`);
    for (let k = 1; k <= foldCount.get(f)!; k++) header.push(`${f}_fold${k}`);
  }
  const lines = [header.map(csvField).join(",")];
  for (const row of file.targets) {
    const cells: unknown[] = HEADLINE.map((k) => row[k]);
    for (const f of families) {
      const cell = row.by_family[f] as RankingFamilyCell | undefined;
      cells.push(cell?.status ?? "", cell?.score ?? null, cell?.t ?? null);
      for (let k = 0; k < foldCount.get(f)!; k++) cells.push(cell?.folds[k] ?? null);
    }
    lines.push(cells.map(csvField).join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

/** One RFC 4180 field. */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") return Number.isFinite(v) ? String(v) : "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
