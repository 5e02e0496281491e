/**
 * The figures the homepage shows, read from the project's own output, never typed in: the newest
 * finished run's summary (and its report, copied beside the pages), and the benchmark JSON lines
 * recorded under bench/results/ (one object per case, as `npm run bench` prints them).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface RunEvidence {
  dir: string;
  runId: string;
  headline: Record<string, string | number>;
  durationS: number | null;
}

export interface BenchLine {
  bench: string;
  case: string;
  ours_s?: number;
  [key: string]: unknown;
}

/** The newest succeeded run with a report under `runsDir`, or null. */
export function newestRun(runsDir: string): RunEvidence | null {
  if (!existsSync(runsDir)) return null;
  const dirs = readdirSync(runsDir).filter((d) => /^\d{8}T\d{6}Z-/.test(d)).sort().reverse();
  for (const d of dirs) {
    const dir = join(runsDir, d);
    try {
      const s = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
      if (s.status === "succeeded" && existsSync(join(dir, "report.html"))) return { dir, runId: s.run_id ?? d, headline: s.headline ?? {}, durationS: s.duration_s ?? null };
    } catch {
      // an unreadable run is not evidence
    }
  }
  return null;
}

/** Every benchmark line recorded under `dir` (*.jsonl), in file then line order. */
export function benchLines(dir: string): BenchLine[] {
  if (!existsSync(dir)) return [];
  const out: BenchLine[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith(".jsonl")).sort()) {
    for (const line of readFileSync(join(dir, f), "utf8").split("\n")) {
      if (!line.trim().startsWith("{")) continue;
      try {
        const v = JSON.parse(line);
        if (typeof v.bench === "string" && typeof v.case === "string") out.push(v);
      } catch {
        // a progress line, not a result
      }
    }
  }
  return out;
}

/** The ratio fields of a line: `ratio_vs_xgboost` -> ["xgboost", 0.93]. */
export function ratios(line: BenchLine): [string, number][] {
  return Object.entries(line)
    .filter(([k, v]) => k.startsWith("ratio_vs_") && typeof v === "number")
    .map(([k, v]) => [k.slice("ratio_vs_".length), v as number]);
}
