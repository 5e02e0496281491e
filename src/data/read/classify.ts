import type { DataOptions } from "../options.js";
import { globToRegExp } from "../../util/glob.js";
import type { RawTable } from "./table.js";

/**
 * Decides, over all files, what each numeric column becomes: a standard column, a candidate
 * feature, a user target, or excluded (by pattern, or because it holds text or nothing).
 */

export type ColumnKind = "standard" | "extra-feature" | "extra-target" | "excluded" | "timestamp" | "symbol" | "tick";

export interface ColumnClass {
  key: string;
  /** Name as written in the (first) file. */
  name: string;
  kind: ColumnKind;
  /** Types as read, joined with "|" when files differ. */
  dtype: string;
  /** Why an excluded column is excluded. */
  note?: string;
}

/** Glob-like pattern: `*` matches any run of characters, everything else matches itself. */

export function classifyColumns(tables: readonly RawTable[], extra: DataOptions["extra_columns"]): ColumnClass[] {
  const agg = new Map<string, { name: string; standard: boolean; dtypes: Set<string>; numeric: number; text: number }>();
  for (const t of tables) {
    for (const c of t.columns) {
      let a = agg.get(c.key);
      if (!a) agg.set(c.key, (a = { name: c.name, standard: c.standard !== null, dtypes: new Set(), numeric: 0, text: 0 }));
      a.dtypes.add(c.dtype);
      a.numeric += c.numericCount;
      a.text += c.nonNumeric.count;
    }
  }
  const exclude = extra.exclude_patterns.map(globToRegExp);
  const target = extra.target_patterns.map(globToRegExp);
  const feature = extra.feature_patterns.map(globToRegExp);
  const out: ColumnClass[] = [];
  for (const [key, a] of agg) {
    const dtype = [...a.dtypes].sort().join("|");
    const base = { key, name: a.name, dtype };
    if (a.standard) out.push({ ...base, kind: "standard" });
    else if (a.numeric === 0 && a.text === 0) out.push({ ...base, kind: "excluded", note: "no values, dropped" });
    else if (a.text >= a.numeric) {
      out.push({ ...base, kind: "excluded", note: `not numeric (${a.text} text value${a.text === 1 ? "" : "s"} such as labels or categories), dropped` });
    } else if (exclude.some((r) => r.test(a.name))) out.push({ ...base, kind: "excluded", note: "matches pipeline.data.extra_columns.exclude_patterns" });
    else if (target.some((r) => r.test(a.name))) out.push({ ...base, kind: "extra-target" });
    else if (feature.some((r) => r.test(a.name))) out.push({ ...base, kind: "extra-feature" });
    else out.push({ ...base, kind: "excluded", note: "matches no pipeline.data.extra_columns.feature_patterns" });
  }
  return out;
}
