import { dataChecksSchema, type CheckAction, type DataChecks } from "../options.js";
import { InputError } from "../../util/errors.js";
import { describeFinding, hintFor } from "./messages.js";

/** The data checks, in the order they are listed in the configuration. */
export type CheckName = keyof DataChecks;
export const CHECK_NAMES = Object.keys(dataChecksSchema.shape) as CheckName[];

/** Where a finding is and what was there. */
export interface CheckExample {
  /** The file as shown in messages. */
  file: string;
  /** 1-based location: the line in a CSV file, the row in a Parquet file (see `rowWord`). */
  row?: number;
  rowWord?: "line" | "row";
  column?: string;
  /** The offending value as written (or as read, for Parquet). */
  value?: string;
  symbol?: string;
  /** What exactly is wrong, when the value alone does not say it (e.g. "high 9 < low 10"). */
  detail?: string;
}

export interface CheckResult {
  action: CheckAction;
  /** Findings in all files. */
  count: number;
  bySymbol: Record<string, number>;
  byFile: Record<string, number>;
  /** The first few findings, in reading order. */
  examples: CheckExample[];
}

/** One result per check (count 0 when nothing was found). */
export interface CheckReport {
  checks: Record<CheckName, CheckResult>;
}

export const MAX_EXAMPLES = 5;

/**
 * Counts findings while data is read and checked, and applies the configured action's first
 * half: `error` stops at the first finding with an InputError naming where it is and what to do.
 * (Repairs are done by the caller, which knows the data.)
 */
export class CheckCollector {
  private readonly results: Record<CheckName, CheckResult>;

  constructor(private readonly actions: DataChecks) {
    this.results = {} as Record<CheckName, CheckResult>;
    for (const name of CHECK_NAMES) {
      this.results[name] = { action: actions[name], count: 0, bySymbol: {}, byFile: {}, examples: [] };
    }
  }

  action(check: CheckName): CheckAction {
    return this.actions[check];
  }

  /**
   * Records `count` findings of one kind at one place (same symbol and file), `example` being the
   * first of them. With action `error` this throws instead; `total` then says how many such
   * findings the file holds, for the message.
   */
  record(check: CheckName, example: CheckExample, count = 1, total = count): void {
    if (count <= 0) return;
    if (this.actions[check] === "error") throw findingError(check, example, total);
    const r = this.results[check];
    r.count += count;
    if (example.symbol !== undefined) r.bySymbol[example.symbol] = (r.bySymbol[example.symbol] ?? 0) + count;
    r.byFile[example.file] = (r.byFile[example.file] ?? 0) + count;
    if (r.examples.length < MAX_EXAMPLES) r.examples.push(example);
  }

  /**
   * Records many findings of one check in one file at once: counts per symbol, and the first
   * examples in reading order. With action `error` this throws for the first example.
   */
  recordMany(check: CheckName, file: string, total: number, bySymbol: ReadonlyMap<string, number>, examples: readonly CheckExample[]): void {
    if (total <= 0) return;
    if (this.actions[check] === "error") throw findingError(check, examples[0] ?? { file }, total);
    const r = this.results[check];
    r.count += total;
    for (const [s, n] of bySymbol) r.bySymbol[s] = (r.bySymbol[s] ?? 0) + n;
    r.byFile[file] = (r.byFile[file] ?? 0) + total;
    for (const e of examples) if (r.examples.length < MAX_EXAMPLES) r.examples.push(e);
  }

  report(): CheckReport {
    return { checks: this.results };
  }
}

/** The InputError for a finding whose check is set to `error`. */
export function findingError(check: CheckName, example: CheckExample, total = 1): InputError {
  const more = total > 1 ? ` (${total} such findings in this file)` : "";
  return new InputError(`${describeFinding(check, example)}${more}`, hintFor(check));
}

/** The report as readable lines, checks with findings only (for `foxml data inspect` and logs). */
export function formatCheckReport(report: CheckReport): string[] {
  const lines: string[] = [];
  for (const name of CHECK_NAMES) {
    const r = report.checks[name];
    if (r.count === 0) continue;
    const symbols = Object.entries(r.bySymbol)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 5)
      .map(([s, n]) => `${s} ${n}`);
    const sym = symbols.length > 0 ? `; most in ${symbols.join(", ")}` : "";
    lines.push(`${name} (${r.action}): ${r.count} finding${r.count === 1 ? "" : "s"}${sym}`);
    for (const e of r.examples) lines.push(`  ${describeFinding(name, e)}`);
  }
  return lines;
}
