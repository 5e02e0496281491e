/**
 * `npm run bench -- gbdt [--json] [--quick] [--threads N] [--cases a,b] [--skip-sklearn]`: FoxML's GBDT against
 * XGBoost (hist) and scikit-learn's HistGradientBoosting, all with N threads (default 2), on identical generated data
 * (float features, 100 trees, depth 6 / 63 leaves, 255 bins, learning rate 0.1). Prints fit-time
 * ratios, test metrics side by side and where our time goes. The references run through Debian's
 * python3 (python3-xgboost, python3-sklearn). Besides wall-clock seconds it reports process CPU
 * seconds (all threads): on a machine shared with other work, wall times of multi-threaded code
 * swing wildly, CPU time much less.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TabularData } from "../src/models/family.js";
import { trainGbdt, type TrainProfile } from "../src/models/gbdt/booster.js";
import { FAMILY_DEFAULTS } from "../src/models/gbdt/families.js";
import { auc, r2 } from "../src/models/gbdt/metrics.js";
import { gbdtParamsSchema } from "../src/models/gbdt/params.js";

interface Case {
  name: string;
  task: "regression" | "binary";
  rows: number;
  growth: "depthwise" | "leafwise";
}

const ALL_CASES: Case[] = [
  { name: "regression_500k_depth6", task: "regression", rows: 500_000, growth: "depthwise" },
  { name: "regression_500k_leaves63", task: "regression", rows: 500_000, growth: "leafwise" },
  { name: "binary_500k_depth6", task: "binary", rows: 500_000, growth: "depthwise" },
  { name: "regression_2m_depth6", task: "regression", rows: 2_000_000, growth: "depthwise" },
];

const FEATURES = 50;
const TEST_ROWS = 100_000;
const TREES = 100;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard-normal features; a nonlinear signal in 8 of them plus noise (test R^2 ~0.6). */
function generate(n: number, task: Case["task"], seed: number): TabularData {
  const rnd = rng(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const X = new Float32Array(n * FEATURES);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const b = i * FEATURES;
    for (let f = 0; f < FEATURES; f++) X[b + f] = normal();
    const s = X[b] + 0.5 * X[b + 1] * X[b + 2] + Math.sin(2 * X[b + 3]) + 0.5 * Math.abs(X[b + 4]) + 0.3 * X[b + 5] * X[b + 5] - 0.4 * X[b + 6] + (X[b + 7] > 0.5 ? 0.5 : 0);
    y[i] = task === "regression" ? s + normal() : s + 1.2 * normal() > 0.3 ? 1 : 0;
  }
  return { nRows: n, nFeatures: FEATURES, featureNames: Array.from({ length: FEATURES }, (_, f) => `f${f}`), X, y };
}

function python(): string | null {
  for (const py of ["/usr/bin/python3", "python3"]) {
    if (spawnSync(py, ["-c", "import xgboost, sklearn"], { stdio: "ignore" }).status === 0) return py;
  }
  return null;
}

function parseArgs(args: string[]): { json: boolean; quick: boolean; threads: number; cases: Case[]; skipSklearn: boolean } {
  const json = args.includes("--json");
  const quick = args.includes("--quick");
  const ti = args.indexOf("--threads");
  const threads = ti >= 0 ? Number(args[ti + 1]) : 2;
  const ci = args.indexOf("--cases");
  let cases = ALL_CASES;
  if (ci >= 0) {
    const want = new Set(args[ci + 1].split(","));
    cases = ALL_CASES.filter((c) => want.has(c.name));
  }
  if (quick) cases = cases.filter((c) => c.rows <= 500_000).map((c) => ({ ...c, name: c.name.replace("500k", "50k"), rows: 50_000 }));
  return { json, quick, threads, cases, skipSklearn: args.includes("--skip-sklearn") };
}

const fmt = (v: number, d = 3): string => (Number.isFinite(v) ? v.toFixed(d) : "n/a");

export async function run(args: string[]): Promise<number> {
  const opt = parseArgs(args);
  const py = python();
  const dir = mkdtempSync(join(tmpdir(), "foxml-bench-gbdt-"));
  const refScript = fileURLToPath(new URL("./gbdt_reference.py", import.meta.url));
  try {
    for (const c of opt.cases) {
      const train = generate(c.rows, c.task, 1);
      const test = generate(opt.quick ? 20_000 : TEST_ROWS, c.task, 2);
      const params = gbdtParamsSchema(FAMILY_DEFAULTS.xgboost).parse({
        objective: c.task === "regression" ? "regression" : "binary",
        n_estimators: TREES,
        learning_rate: 0.1,
        max_bin: 255,
        grow_policy: c.growth,
        max_depth: c.growth === "depthwise" ? 6 : -1,
        num_leaves: c.growth === "depthwise" ? 64 : 63,
        lambda_l2: 1,
        min_sum_hessian_in_leaf: 1,
        min_data_in_leaf: c.growth === "depthwise" ? 1 : 20,
      });
      const cpu0 = process.cpuUsage();
      const out = await trainGbdt("xgboost", train, params, { seed: 1, threads: opt.threads });
      const cpu = process.cpuUsage(cpu0);
      const oursCpu = (cpu.user + cpu.system) / 1e6;
      const pred = out.model.predict(test.X, test.nRows);
      const ours = c.task === "regression" ? r2(pred, test.y, undefined) : auc(pred, test.y, undefined);

      let ref: { xgboost_s?: number; xgboost_cpu_s?: number; xgboost_metric?: number; sklearn_s?: number; sklearn_cpu_s?: number; sklearn_metric?: number } = {};
      if (py) {
        writeFileSync(join(dir, "x_train.f32"), new Uint8Array(train.X.buffer));
        writeFileSync(join(dir, "y_train.f64"), new Uint8Array(train.y.buffer));
        writeFileSync(join(dir, "x_test.f32"), new Uint8Array(test.X.buffer));
        writeFileSync(join(dir, "y_test.f64"), new Uint8Array(test.y.buffer));
        const r = spawnSync(py, [refScript, dir, c.task, String(train.nRows), String(test.nRows), String(FEATURES), String(opt.threads), String(TREES), "6", c.growth === "depthwise" ? "64" : "63", opt.skipSklearn ? "skip-sklearn" : "with-sklearn"], {
          encoding: "utf8",
          env: { ...process.env, OMP_NUM_THREADS: String(opt.threads) },
          maxBuffer: 1 << 20,
        });
        if (r.status !== 0) process.stderr.write(`reference failed: ${r.stderr}\n`);
        else ref = JSON.parse(r.stdout.trim().split("\n").pop()!);
      }
      const line = {
        bench: "gbdt",
        case: c.name,
        threads: opt.threads,
        ours_s: round(out.profile.total),
        xgboost_s: round(ref.xgboost_s),
        sklearn_s: round(ref.sklearn_s),
        ratio_vs_xgboost: ref.xgboost_s ? round(out.profile.total / ref.xgboost_s) : null,
        ratio_vs_sklearn: ref.sklearn_s ? round(out.profile.total / ref.sklearn_s) : null,
        ours_cpu_s: round(oursCpu),
        xgboost_cpu_s: round(ref.xgboost_cpu_s),
        sklearn_cpu_s: round(ref.sklearn_cpu_s),
        cpu_ratio_vs_xgboost: ref.xgboost_cpu_s ? round(oursCpu / ref.xgboost_cpu_s) : null,
        load_average_1m: round(loadavg()[0], 2),
        metric: c.task === "regression" ? "r2" : "auc",
        ours_metric: round(ours, 4),
        xgboost_metric: round(ref.xgboost_metric, 4),
        sklearn_metric: round(ref.sklearn_metric, 4),
        ours_profile_s: Object.fromEntries(Object.entries(out.profile).map(([k, v]) => [k, round(v)])),
      };
      if (opt.json) process.stdout.write(JSON.stringify(line) + "\n");
      else printHuman(line, out.profile, py !== null);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}

function round(v: number | undefined, d = 3): number | null {
  return v === undefined || !Number.isFinite(v) ? null : Number(v.toFixed(d));
}

function printHuman(l: Record<string, unknown>, p: TrainProfile, hasRef: boolean): void {
  const n = (k: string): number => (typeof l[k] === "number" ? (l[k] as number) : NaN);
  process.stdout.write(`\n${l.case} (${l.threads} threads)\n`);
  process.stdout.write(`  fit time   ours ${fmt(n("ours_s"), 2)} s | xgboost ${fmt(n("xgboost_s"), 2)} s | sklearn ${fmt(n("sklearn_s"), 2)} s   ratio vs xgboost ${fmt(n("ratio_vs_xgboost"), 2)}x, vs sklearn ${fmt(n("ratio_vs_sklearn"), 2)}x\n`);
  process.stdout.write(`  cpu time   ours ${fmt(n("ours_cpu_s"), 2)} s | xgboost ${fmt(n("xgboost_cpu_s"), 2)} s | sklearn ${fmt(n("sklearn_cpu_s"), 2)} s   cpu ratio vs xgboost ${fmt(n("cpu_ratio_vs_xgboost"), 2)}x (load average ${fmt(n("load_average_1m"), 1)})\n`);
  process.stdout.write(`  test ${l.metric}    ours ${fmt(n("ours_metric"), 4)} | xgboost ${fmt(n("xgboost_metric"), 4)} | sklearn ${fmt(n("sklearn_metric"), 4)}\n`);
  const parts = ["binning", "gradients", "histograms", "splits", "partition", "scoreUpdates"] as const;
  const shown = parts.map((k) => `${k} ${fmt(p[k], 2)} s (${fmt((100 * p[k]) / p.total, 0)}%)`).join(", ");
  process.stdout.write(`  our time:  ${shown}\n`);
  if (!hasRef) process.stdout.write("  (python3 with xgboost and sklearn not found: references skipped)\n");
}
