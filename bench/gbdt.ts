/**
 * `npm run bench -- gbdt [--json] [--quick] [--threads N] [--repeat R] [--cases a,b] [--with-sklearn] [--baseline path/to/booster.ts]`:
 * FoxML's GBDT against XGBoost `hist` (and optionally scikit-learn's HistGradientBoosting) on
 * identical generated data (cases in bench/gbdt_data.ts: 100 trees, depth 6 or 63 leaves, 255 bins,
 * learning rate 0.1, L2 1, N threads, default 2; the `_1thread` case runs both on one thread, and a
 * `scaling_*` line compares it with the threaded run). Each repeat runs ours and then the reference
 * back to back so both see the same machine load; the line holds the medians over R repeats
 * (default 2) and every run. All test metrics are computed here by the same code (R², AUC,
 * NDCG@10) from each side's predictions. The references run through Debian's python3
 * (python3-xgboost, python3-sklearn). Besides wall seconds it reports process CPU seconds (all
 * threads): on a shared machine wall times of multi-threaded code swing wildly, CPU time much less.
 * `--baseline` also times another checkout's engine (its src/models/gbdt/booster.ts, e.g. an older
 * commit extracted with `git archive <commit> src | tar -x -C dir`) in the same repeats, so a
 * before/after comparison sees the same load; its figures go in `baseline_*` fields.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { TabularData } from "../src/models/family.js";
import { trainGbdt, type TrainProfile } from "../src/models/gbdt/booster.js";
import { ndcgAt } from "../src/models/gbdt/lambdarank.js";
import { auc, r2 } from "../src/models/gbdt/metrics.js";
import { ALL_CASES, caseParams, DEPTH, generate, LEAVES, TREES, type Case, type Task } from "./gbdt_data.js";
import { median, printCaseLine } from "./report.js";

const TEST_ROWS = 100_000;

function python(): string | null {
  for (const py of ["/usr/bin/python3", "python3"]) {
    if (spawnSync(py, ["-c", "import xgboost"], { stdio: "ignore" }).status === 0) return py;
  }
  return null;
}

interface Options {
  json: boolean;
  quick: boolean;
  threads: number;
  repeat: number;
  cases: Case[];
  sklearn: boolean;
  baseline: string | null;
}

function parseArgs(args: string[]): Options {
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const quick = args.includes("--quick");
  let cases = ALL_CASES;
  const want = flag("--cases");
  if (want) {
    const names = new Set(want.split(","));
    const unknown = [...names].filter((n) => !ALL_CASES.some((c) => c.name === n));
    if (unknown.length > 0) throw new Error(`unknown case(s) ${unknown.join(", ")}; cases: ${ALL_CASES.map((c) => c.name).join(", ")}`);
    cases = ALL_CASES.filter((c) => names.has(c.name));
  }
  if (quick) cases = cases.filter((c) => c.rows <= 500_000).map((c) => ({ ...c, name: `${c.name}_quick`, rows: 50_000 }));
  return { json: args.includes("--json"), quick, threads: Number(flag("--threads") ?? 2), repeat: Math.max(1, Number(flag("--repeat") ?? 2)), cases, sklearn: args.includes("--with-sklearn"), baseline: flag("--baseline") ?? null };
}

function metricOf(task: Task): { name: string; higherIsBetter: true; score(pred: Float64Array, test: TabularData): number } {
  if (task === "regression") return { name: "r2", higherIsBetter: true, score: (p, t) => r2(p, t.y, undefined) };
  if (task === "binary") return { name: "auc", higherIsBetter: true, score: (p, t) => auc(p, t.y, undefined) };
  return { name: "ndcg@10", higherIsBetter: true, score: (p, t) => ndcgAt(p, t.y, t.group!, 10) };
}

interface RefRun {
  xgboost_s: number;
  xgboost_cpu_s: number;
  xgboost_metric: number;
  sklearn_s?: number;
  sklearn_cpu_s?: number;
  sklearn_metric?: number;
}

function writeData(dir: string, train: TabularData, test: TabularData): void {
  writeFileSync(join(dir, "x_train.f32"), new Uint8Array(train.X.buffer, train.X.byteOffset, train.X.byteLength));
  writeFileSync(join(dir, "y_train.f64"), new Uint8Array(train.y.buffer, train.y.byteOffset, train.y.byteLength));
  writeFileSync(join(dir, "x_test.f32"), new Uint8Array(test.X.buffer, test.X.byteOffset, test.X.byteLength));
  if (train.group && test.group) {
    writeFileSync(join(dir, "group_train.i32"), new Uint8Array(train.group.buffer, train.group.byteOffset, train.group.byteLength));
    writeFileSync(join(dir, "group_test.i32"), new Uint8Array(test.group.buffer, test.group.byteOffset, test.group.byteLength));
  }
}

function readPred(file: string): Float64Array {
  const b = readFileSync(file);
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function runReference(py: string, script: string, dir: string, c: Case, threads: number, train: TabularData, test: TabularData, sklearn: boolean): RefRun | null {
  const p = caseParams(c);
  const r = spawnSync(py, [script, dir, c.task, String(train.nRows), String(test.nRows), String(c.features), String(threads), String(TREES), c.growth, String(DEPTH), String(LEAVES), String(p.min_sum_hessian_in_leaf), sklearn ? "with-sklearn" : "skip-sklearn"], {
    encoding: "utf8",
    env: { ...process.env, OMP_NUM_THREADS: String(threads) },
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) {
    process.stderr.write(`reference failed: ${r.stderr}\n`);
    return null;
  }
  const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as RefRun;
  const m = metricOf(c.task);
  out.xgboost_metric = m.score(readPred(join(dir, "pred_xgboost.f64")), test);
  const sk = join(dir, "pred_sklearn.f64");
  if (sklearn && existsSync(sk)) {
    out.sklearn_metric = m.score(readPred(sk), test);
    rmSync(sk);
  }
  return out;
}

interface OursRun {
  s: number;
  cpu_s: number;
  metric: number;
  profile: TrainProfile;
}

type Trainer = typeof trainGbdt;

async function runOurs(c: Case, threads: number, train: TabularData, test: TabularData, trainer: Trainer = trainGbdt): Promise<OursRun> {
  const cpu0 = process.cpuUsage();
  const out = await trainer("xgboost", train, caseParams(c), { seed: 1, threads });
  const cpu = process.cpuUsage(cpu0);
  const pred = out.model.predict(test.X, test.nRows);
  return { s: out.profile.total, cpu_s: (cpu.user + cpu.system) / 1e6, metric: metricOf(c.task).score(pred, test), profile: out.profile };
}

const r3 = (v: number | undefined): number | null => (v === undefined || !Number.isFinite(v) ? null : Number(v.toFixed(3)));

export async function run(args: string[]): Promise<number> {
  const opt = parseArgs(args);
  const py = python();
  if (!py) process.stderr.write("python3 with xgboost not found: reference timings skipped\n");
  const dir = mkdtempSync(join(tmpdir(), "foxml-bench-gbdt-"));
  const script = fileURLToPath(new URL("./gbdt_reference.py", import.meta.url));
  const medians = new Map<string, { ours: number; xgb: number | null }>();
  const baseline = opt.baseline ? ((await import(pathToFileURL(resolve(opt.baseline)).href)) as { trainGbdt: Trainer }).trainGbdt : null;
  try {
    for (const c of opt.cases) {
      const threads = c.threads ?? opt.threads;
      const train = generate(c.rows, c.features, c.task, 1);
      const test = generate(opt.quick ? 20_000 : TEST_ROWS, c.features, c.task, 2);
      if (py) writeData(dir, train, test);
      const ours: OursRun[] = [];
      const refs: RefRun[] = [];
      const base: OursRun[] = [];
      for (let k = 0; k < opt.repeat; k++) {
        ours.push(await runOurs(c, threads, train, test));
        if (baseline) base.push(await runOurs(c, threads, train, test, baseline));
        const ref = py ? runReference(py, script, dir, c, threads, train, test, opt.sklearn && k === 0) : null;
        if (ref) refs.push(ref);
      }
      const m = metricOf(c.task);
      const oursS = median(ours.map((o) => o.s));
      const xgbS = refs.length > 0 ? median(refs.map((r) => r.xgboost_s)) : null;
      medians.set(c.name, { ours: oursS, xgb: xgbS });
      const sk = refs.find((r) => r.sklearn_s !== undefined);
      const profile = ours[ours.length >> 1].profile;
      const line = printCaseLine(
        { bench: "gbdt", case: c.name, reference: "xgboost", ours_s: oursS, reference_s: xgbS, metric: m.name, ours_metric: ours[0].metric, reference_metric: refs[0]?.xgboost_metric ?? null, higher_is_better: m.higherIsBetter },
        {
          threads,
          repeats: opt.repeat,
          ours_runs_s: ours.map((o) => r3(o.s)),
          xgboost_runs_s: refs.map((r) => r3(r.xgboost_s)),
          ours_cpu_s: r3(median(ours.map((o) => o.cpu_s))),
          xgboost_cpu_s: refs.length > 0 ? r3(median(refs.map((r) => r.xgboost_cpu_s))) : null,
          cpu_ratio_vs_xgboost: refs.length > 0 ? r3(median(ours.map((o) => o.cpu_s)) / median(refs.map((r) => r.xgboost_cpu_s))) : null,
          sklearn_s: r3(sk?.sklearn_s),
          sklearn_metric: sk?.sklearn_metric ?? null,
          ours_profile_s: Object.fromEntries(Object.entries(profile).map(([k, v]) => [k, r3(v)])),
          ...(baseline
            ? {
                baseline: opt.baseline,
                baseline_s: r3(median(base.map((o) => o.s))),
                baseline_runs_s: base.map((o) => r3(o.s)),
                baseline_cpu_s: r3(median(base.map((o) => o.cpu_s))),
                baseline_metric: base[0].metric,
                baseline_ratio_vs_xgboost: xgbS ? r3(median(base.map((o) => o.s)) / xgbS) : null,
              }
            : {}),
        },
      );
      if (!opt.json) printHuman(line, profile);
    }
    // Scaling: a one-thread case against the same case on the threaded run.
    for (const c of opt.cases) {
      if (c.threads !== 1) continue;
      const base = c.name.replace(/_1thread$/, "");
      const one = medians.get(c.name);
      const many = medians.get(base);
      if (!one || !many) continue;
      printCaseLine(
        { bench: "gbdt", case: `scaling_${base}`, reference: "xgboost", ours_s: many.ours, reference_s: many.xgb, metric: null, ours_metric: null, reference_metric: null, higher_is_better: null },
        { threads: opt.threads, ours_1thread_s: r3(one.ours), xgboost_1thread_s: r3(one.xgb ?? undefined), ours_speedup: r3(one.ours / many.ours), xgboost_speedup: one.xgb && many.xgb ? r3(one.xgb / many.xgb) : null },
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}

function printHuman(l: Record<string, unknown>, p: TrainProfile): void {
  const n = (k: string): string => (typeof l[k] === "number" ? (l[k] as number).toFixed(3) : "n/a");
  process.stdout.write(`  ${l.case} (${l.threads} threads): ours ${n("ours_s")} s, xgboost ${n("xgboost_s")} s, ratio ${n("ratio_vs_xgboost")}; ${l.metric} ours ${n("ours_metric")}, xgboost ${n("xgboost_metric")}\n`);
  const parts = ["binning", "gradients", "histograms", "splits", "partition", "scoreUpdates"] as const;
  process.stdout.write(`  our time: ${parts.map((k) => `${k} ${p[k].toFixed(2)} s (${((100 * p[k]) / p.total).toFixed(0)}%)`).join(", ")}\n`);
}
