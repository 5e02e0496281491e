/**
 * `npm run bench -- pipeline [--json] [--runs N]`: the README's main command (`foxml run` on the
 * bundled Dow Jones 30 data, default experiment) in a child process, timed against the 3-minute
 * budget on 2 cores. It prints wall and CPU time (the child's user + system), the machine's load
 * average around the run (wall time on a shared machine is mostly load), and each stage's duration
 * from the run's summary.json. There is no reference implementation of a whole pipeline, so the
 * figure is the ratio to the budget.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { median, printCaseLine } from "./report.js";

const BUDGET_S = 180;
const root = join(dirname(fileURLToPath(import.meta.url)), "..");

interface Measurement {
  wall_s: number;
  cpu_s: number;
  load_before: number;
  load_after: number;
  budget_ratio: number;
  stages: Record<string, number | null>;
}

async function once(): Promise<Measurement> {
  const out = mkdtempSync(join(tmpdir(), "foxml-bench-pipeline-"));
  try {
    const loadBefore = loadavg()[0];
    const t0 = performance.now();
    const cpu = await new Promise<{ status: number | null; cpu: number }>((resolve, reject) => {
      const child = spawn(process.execPath, ["bin/foxml.js", "run", "--out", out, "--log-level", "silent"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
      child.on("error", reject);
      // Once the child is reaped its CPU time is in this process's children's rusage.
      child.on("exit", (status) => resolve({ status, cpu: childCpuSeconds() }));
    });
    const wall = (performance.now() - t0) / 1000;
    if (cpu.status !== 0) throw new Error(`foxml run exited with ${cpu.status}`);
    const dir = readdirSync(out).find((f) => !f.startsWith("registry.sqlite"));
    const summary = JSON.parse(readFileSync(join(out, dir!, "summary.json"), "utf8")) as { stages: Record<string, { duration_s: number | null }> };
    const stages = Object.fromEntries(Object.entries(summary.stages).map(([k, v]) => [k, v.duration_s]));
    return { wall_s: wall, cpu_s: cpu.cpu, load_before: loadBefore, load_after: loadavg()[0], budget_ratio: wall / BUDGET_S, stages };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** CPU seconds of all waited-for descendants so far (getrusage(RUSAGE_CHILDREN) through /proc). */
let lastChildren = 0;
function childCpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // cutime and cstime are fields 16 and 17 (1-based) of /proc/<pid>/stat, i.e. 13 and 14 after the comm field.
  const ticks = Number(fields[13]) + Number(fields[14]);
  const total = ticks / 100;
  const delta = total - lastChildren;
  lastChildren = total;
  return delta;
}

export async function run(args: string[]): Promise<number> {
  const json = args.includes("--json");
  const n = Number(args[args.indexOf("--runs") + 1] ?? 1) || 1;
  childCpuSeconds();
  const results: Measurement[] = [];
  for (let i = 0; i < n; i++) results.push(await once());
  if (json) {
    // The reference is the 3-minute budget; the line carries the median run and every run.
    printCaseLine(
      { bench: "pipeline", case: "foxml_run_default", reference: "budget", ours_s: median(results.map((r) => r.wall_s)), reference_s: BUDGET_S, metric: null, ours_metric: null, reference_metric: null, higher_is_better: null },
      { ours_cpu_s: median(results.map((r) => r.cpu_s)), runs: results },
    );
    return 0;
  }
  for (const r of results) {
    process.stdout.write(
      `foxml run (bundled Dow data, default experiment): wall ${r.wall_s.toFixed(1)} s, CPU ${r.cpu_s.toFixed(1)} s, ` +
        `wall/budget ${r.budget_ratio.toFixed(2)} (budget ${BUDGET_S} s), load ${r.load_before.toFixed(1)} -> ${r.load_after.toFixed(1)}\n`,
    );
    process.stdout.write(`  stages: ${Object.entries(r.stages).map(([k, v]) => `${k} ${v?.toFixed(1) ?? "?"} s`).join(", ")}\n`);
  }
  return 0;
}
