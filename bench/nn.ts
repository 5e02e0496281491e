/**
 * `npm run bench -- nn [--json] [--steps 20] [--rounds 3] [--models lstm,conv1d,mlp,transformer] [--kernels auto|stock]
 *  [--backend wasm|cpu] [--no-reach] [--memory [--windows 1000000] [--max-steps N]]`
 *
 * 1. Milliseconds per training step (Adam, MSE, batch 256) of the same four networks in FoxML
 *    (tfjs backend + our fused WebAssembly kernels) and in PyTorch CPU (Debian python3-torch, one
 *    thread), alternating model by model so both see the same machine load. The ratio is of process
 *    CPU time per step (what a shared machine's other load does not inflate); wall time is reported too:
 *      lstm         seq 32 x 16 features, hidden 32, linear head
 *      conv1d       seq 32 x 16 features, 2 causal conv layers x 32 filters, kernel 3, last step -> linear
 *      mlp          512 inputs -> 256 -> 256 -> 256 -> 1, ReLU
 *      transformer  seq 32 x 16 features -> d 32, 2 pre-norm layers, 4 heads, feed-forward 64, ReLU
 *    With --json one line per case in bench/report.ts's format (case "<model>_step", seconds per step).
 * 2. Wall time to reach a validation MSE on the same generated data (a planted lag-5 / lag-2 signal,
 *    20,000 windows): LSTM in both, same architecture, Adam at the same learning rate.
 * 3. --memory: an LSTM trained on 1,000,000 windows of 64 bars x 32 features gathered per batch from
 *    a grid; reports peak resident memory (the limit is 2 GiB).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildCnn, cnnParamsSchema } from "../src/models/nn/arch/cnn.js";
import { buildMlp, mlpParamsSchema } from "../src/models/nn/arch/mlp.js";
import type { Network } from "../src/models/nn/arch/network.js";
import { rnnBuilder, rnnParamsSchema } from "../src/models/nn/arch/rnn.js";
import { buildTransformer, transformerParamsSchema } from "../src/models/nn/arch/transformer.js";
import { Scaler } from "../src/models/nn/data/scaler.js";
import { RowSource, WindowSource } from "../src/models/nn/data/source.js";
import { lstmFamily } from "../src/models/nn/families.js";
import { ParamStore } from "../src/models/nn/layers/params.js";
import { setKernelMode, type KernelMode } from "../src/models/nn/ops/fused.js";
import type { TrainingParams } from "../src/models/nn/params.js";
import { nnReady, tf, type NnBackendChoice } from "../src/models/nn/runtime/backend.js";
import { featureGridFromColumns } from "../src/models/nn/sequence-data.js";
import { StepRunner, trainNetwork, type EpochRecord } from "../src/models/nn/train/trainer.js";
import { Rng } from "../src/util/random.js";
import { printCaseLine } from "./report.js";

const here = dirname(fileURLToPath(import.meta.url));
const PY = "/usr/bin/python3";
const BATCH = 256;
const SEQ = 32;
const FEAT = 16;

interface ModelSpec {
  name: string;
  shape: number[];
  build(): Network;
  params: TrainingParams;
}

const common = { dropout: 0, epochs: 1, batch_size: BATCH, optimizer: "adam", weight_decay: 0, grad_clip_norm: 0, lr_schedule: "constant", learning_rate: 1e-3 } as const;

function specs(): ModelSpec[] {
  const lstmP = rnnParamsSchema.parse({ ...common, lookback: SEQ, hidden_units: [32], head_units: [] });
  const convP = cnnParamsSchema.parse({ ...common, lookback: SEQ, filters: [32, 32], kernel_size: 3, pooling: "last", head_units: [] });
  const mlpP = mlpParamsSchema.parse({ ...common, hidden_units: [256, 256, 256] });
  const tfmP = transformerParamsSchema.parse({ ...common, lookback: SEQ, d_model: 32, num_heads: 4, num_layers: 2, ff_units: 64, ff_activation: "relu", pooling: "last", head_units: [] });
  const store = (): ParamStore => ParamStore.fresh(new Rng(1));
  return [
    { name: "lstm", shape: [SEQ, FEAT], params: lstmP, build: () => rnnBuilder("lstm")(store(), [SEQ, FEAT], 1, lstmP) },
    { name: "conv1d", shape: [SEQ, FEAT], params: convP, build: () => buildCnn(store(), [SEQ, FEAT], 1, convP) },
    { name: "mlp", shape: [512], params: mlpP, build: () => buildMlp(store(), [512], 1, mlpP) },
    { name: "transformer", shape: [SEQ, FEAT], params: tfmP, build: () => buildTransformer(store(), [SEQ, FEAT], 1, tfmP) },
  ];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

interface StepTimes {
  wall: number;
  cpu: number;
}

/** Median wall-clock and process-CPU milliseconds per step (3 warm-up steps first). */
function oursStepMs(spec: ModelSpec, steps: number): StepTimes {
  const net = spec.build();
  const runner = new StepRunner(net, spec.params, 1);
  const size = spec.shape.reduce((a, b) => a * b, 1);
  const r = new Rng(2);
  const x = Float32Array.from({ length: BATCH * size }, () => r.normal());
  const y = Float32Array.from({ length: BATCH }, () => r.normal());
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < steps + 3; i++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    runner.step(x, y, null, BATCH, spec.shape, 1e-3, i);
    const c = process.cpuUsage(c0);
    if (i >= 3) {
      wall.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  runner.dispose();
  net.params.dispose();
  return { wall: median(wall), cpu: median(cpu) };
}

function torch(args: string[]): Record<string, unknown> | null {
  try {
    // One thread everywhere: intra-op, OpenMP and BLAS pools (two oversubscribe this machine).
    const env = { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" };
    const out = execFileSync(PY, [join(here, "nn_reference.py"), ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env });
    return JSON.parse(out.trim().split("\n").pop()!);
  } catch (e) {
    process.stderr.write(`PyTorch reference failed (${(e as Error).message.split("\n")[0]}); install python3-torch for the comparison\n`);
    return null;
  }
}

/** The planted sequential task as flattened windows [n, SEQ * FEAT]. */
function reachData(n: number, seed: number): { X: Float32Array; y: Float32Array } {
  const r = new Rng(seed);
  const X = new Float32Array(n * SEQ * FEAT);
  const y = new Float32Array(n);
  for (let i = 0; i < X.length; i++) X[i] = r.normal();
  for (let i = 0; i < n; i++) {
    const b = i * SEQ * FEAT;
    y[i] = X[b + (SEQ - 1 - 5) * FEAT] + 0.5 * X[b + (SEQ - 1 - 2) * FEAT + 1] + 0.1 * r.normal();
  }
  return { X, y };
}

async function reach(json: boolean, target: number): Promise<void> {
  const nTr = 20_000;
  const nVa = 4_000;
  const tr = reachData(nTr, 10);
  const va = reachData(nVa, 11);
  const dir = mkdtempSync(join(tmpdir(), "foxml-nn-bench-"));
  try {
    const prefix = join(dir, "reach");
    writeFileSync(`${prefix}.xtr.f32`, tr.X);
    writeFileSync(`${prefix}.ytr.f32`, tr.y);
    writeFileSync(`${prefix}.xva.f32`, va.X);
    writeFileSync(`${prefix}.yva.f32`, va.y);
    writeFileSync(`${prefix}.json`, JSON.stringify({ shape: [SEQ, FEAT], lr: 2e-3 }));
    const t = torch(["reach", "--model", "lstm", "--data", prefix, "--target", String(target), "--max-epochs", "40"]);

    // Ours: the same network and optimiser through the family trainer (identity scaling: the data is standard normal).
    const p = lstmFamily.paramsSchema.parse({ ...common, learning_rate: 2e-3, lookback: SEQ, hidden_units: [32], epochs: 40, early_stopping_patience: 0, standardize_target: false, input_clip: 0 });
    const identity = new Scaler(new Float64Array(FEAT), new Float64Array(FEAT).fill(1), 0);
    const net = rnnBuilder("lstm")(ParamStore.fresh(new Rng(1)), [SEQ, FEAT], 1, p);
    const history: EpochRecord[] = [];
    const t0 = performance.now();
    await trainNetwork(
      { source: new RowSource(tr.X, nTr, SEQ * FEAT, identity, SEQ), y: tr.y },
      { source: new RowSource(va.X, nVa, SEQ * FEAT, identity, SEQ), y: va.y },
      { family: "lstm", net, params: p, seed: 1, onEpoch: (rec) => (history.push(rec), rec.validLoss !== null && rec.validLoss <= target) },
    );
    const ours = (performance.now() - t0) / 1000;
    net.params.dispose();
    const reached = history.length > 0 && history[history.length - 1].validLoss! <= target;
    const ts = t && typeof t.seconds === "number" && t.epochs !== null ? t.seconds : null;
    const row = {
      bench: "nn",
      model: "lstm_time_to_loss",
      ours_ms: reached ? Math.round(ours * 1000) : null,
      torch_ms: ts === null ? null : Math.round(ts * 1000),
      ratio: reached && ts ? +(ours / ts).toFixed(2) : null,
      target_valid_mse: target,
      ours_s: reached ? +ours.toFixed(2) : null,
      ours_epochs: reached ? history.length : null,
      torch_s: ts === null ? null : +ts.toFixed(2),
      torch_epochs: t?.epochs ?? null,
    };
    const lastValid = history.length > 0 ? history[history.length - 1].validLoss : null;
    const torchValid = Array.isArray(t?.valid_loss) && t.valid_loss.length > 0 ? Number(t.valid_loss[t.valid_loss.length - 1]) : null;
    if (json) {
      printCaseLine(
        { bench: "nn", case: "lstm_time_to_loss", reference: "torch", ours_s: row.ours_s, reference_s: row.torch_s, metric: "valid_mse", ours_metric: lastValid, reference_metric: torchValid, higher_is_better: false },
        { target_valid_mse: target, ours_epochs: row.ours_epochs, torch_epochs: row.torch_epochs },
      );
    } else {
      process.stdout.write(`\nTime to validation MSE <= ${target} (LSTM, 20,000 windows, Adam lr 2e-3, batch ${BATCH}):\n`);
      process.stdout.write(`  ours  ${row.ours_s ?? "not reached"} s in ${row.ours_epochs ?? "-"} epochs   (valid MSE ${history.map((h) => h.validLoss?.toFixed(3)).join(" ")})\n`);
      process.stdout.write(`  torch ${row.torch_s ?? "not reached"} s in ${row.torch_epochs ?? "-"} epochs   ratio ${row.ratio ?? "-"}\n`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function memory(json: boolean, windows: number, maxSteps: number): Promise<void> {
  const L = 64;
  const F = 32;
  const S = 1000;
  const T = Math.ceil(windows / S) + L - 1;
  const r = new Rng(5);
  const values = new Float32Array(T * S * F);
  for (let i = 0; i < values.length; i++) values[i] = r.normal();
  const grid = { T, S, nFeatures: F, featureNames: Array.from({ length: F }, (_, i) => `f${i}`), values };
  const rows = new Int32Array(windows);
  const y = new Float64Array(windows);
  for (let i = 0; i < windows; i++) {
    const t = L - 1 + Math.floor(i / S);
    const s = i % S;
    rows[i] = t * S + s;
    y[i] = values[((t - 3) * S + s) * F] + 0.1 * r.normal();
  }
  let peak = process.memoryUsage().rss;
  let steps = 0;
  const t0 = performance.now();
  const log = json ? undefined : { info: (o: object, m?: string) => process.stdout.write(`  ${m} ${JSON.stringify(o)}\n`), warn: (o: object, m?: string) => process.stdout.write(`  ${m} ${JSON.stringify(o)}\n`), debug: () => {} };
  const p = lstmFamily.paramsSchema.parse({ lookback: L, hidden_units: [64], epochs: 1, batch_size: 256, max_steps_per_epoch: maxSteps, early_stopping_patience: 0 });
  const model = await lstmFamily.fit({ grid, rows, y }, p, { seed: 1, threads: 1, log }, undefined);
  const fitSeconds = (performance.now() - t0) / 1000;
  // sample RSS while predicting a slice too (inference batches)
  const probe = { grid, rows: rows.subarray(0, 50_000) };
  model.predictSequence(probe);
  steps = model.info.training.steps;
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  const row = {
    bench: "nn",
    model: "lstm_memory",
    windows,
    lookback: L,
    features: F,
    steps,
    seconds: +((performance.now() - t0) / 1000).toFixed(1),
    fit_seconds: +fitSeconds.toFixed(1),
    grid_mib: +((values.byteLength / 2 ** 20).toFixed(1)),
    materialized_mib: +(((windows * L * F * 4) / 2 ** 20).toFixed(0)),
    peak_rss_mib: +(peak / 2 ** 20).toFixed(0),
    limit_mib: 2048,
    ok: peak < 2 * 2 ** 30,
  };
  if (json) {
    const { bench: _b, model: _m, ...extra } = row;
    printCaseLine({ bench: "nn", case: "lstm_memory", reference: null, ours_s: row.seconds, reference_s: null, metric: "peak_rss_mib", ours_metric: row.peak_rss_mib, reference_metric: null, higher_is_better: false }, extra);
  } else {
    process.stdout.write(
      `LSTM on ${windows.toLocaleString()} windows of ${L} bars x ${F} features (${steps} steps, ${row.seconds} s): ` +
        `grid ${row.grid_mib} MiB (materialised windows would be ${row.materialized_mib} MiB); peak RSS ${row.peak_rss_mib} MiB ` +
        `(limit 2048) ${row.ok ? "OK" : "OVER"}\n`,
    );
  }
}

function flag(args: string[], name: string, def: string): string {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
}

export async function run(args: string[]): Promise<number> {
  const json = args.includes("--json");
  const backend = (flag(args, "--backend", "wasm") as NnBackendChoice) ?? "wasm";
  await nnReady(backend);
  setKernelMode(flag(args, "--kernels", "auto") as KernelMode);
  if (args.includes("--memory")) {
    await memory(json, Number(flag(args, "--windows", "1000000")), Number(flag(args, "--max-steps", "0")));
    return 0;
  }
  const steps = Number(flag(args, "--steps", "20"));
  const rounds = Number(flag(args, "--rounds", "3"));
  const wanted = flag(args, "--models", "lstm,conv1d,mlp,transformer").split(",");
  if (!json) {
    process.stdout.write(
      `ms per training step, batch ${BATCH}: median of ${steps} steps, median over ${rounds} alternating rounds ` +
        `(tfjs ${tf.version_core} ${tf.getBackend()}, kernels ${flag(args, "--kernels", "auto")}; PyTorch CPU, 1 thread).\n` +
        `The ratio is of process CPU time, which other load on a shared machine does not inflate; wall time beside it.\n`,
    );
    process.stdout.write(`${"model".padEnd(12)} ${"ours cpu".padStart(9)} ${"torch cpu".padStart(9)} ${"ratio".padStart(6)}   ${"ours wall".padStart(9)} ${"torch wall".padStart(10)}\n`);
  }
  for (const spec of specs().filter((s) => wanted.includes(s.name))) {
    const o: StepTimes[] = [];
    const t: StepTimes[] = [];
    for (let r = 0; r < rounds; r++) {
      const res = torch(["step", "--model", spec.name, "--steps", String(steps)]);
      if (res && typeof res.torch_ms === "number" && typeof res.torch_cpu_ms === "number") t.push({ wall: res.torch_ms, cpu: res.torch_cpu_ms });
      o.push(oursStepMs(spec, steps));
    }
    const ours = { wall: median(o.map((x) => x.wall)), cpu: median(o.map((x) => x.cpu)) };
    const th = t.length > 0 ? { wall: median(t.map((x) => x.wall)), cpu: median(t.map((x) => x.cpu)) } : null;
    const r2 = (v: number): number => +v.toFixed(2);
    const row = {
      bench: "nn",
      model: spec.name,
      ours_ms: r2(ours.cpu),
      torch_ms: th ? r2(th.cpu) : null,
      ratio: th ? r2(ours.cpu / th.cpu) : null,
      ours_wall_ms: r2(ours.wall),
      torch_wall_ms: th ? r2(th.wall) : null,
      wall_ratio: th ? r2(ours.wall / th.wall) : null,
    };
    if (json) {
      // Seconds per training step (process CPU, the figure the ratio is of); no quality metric per step.
      printCaseLine(
        { bench: "nn", case: `${spec.name}_step`, reference: "torch", ours_s: ours.cpu / 1000, reference_s: th ? th.cpu / 1000 : null, metric: null, ours_metric: null, reference_metric: null, higher_is_better: null },
        { ours_wall_s: ours.wall / 1000, torch_wall_s: th ? th.wall / 1000 : null, wall_ratio: row.wall_ratio },
      );
    } else {
      const f = (v: number | null, w: number): string => (v === null ? "-" : v.toFixed(2)).padStart(w);
      process.stdout.write(`${spec.name.padEnd(12)} ${f(row.ours_ms, 9)} ${f(row.torch_ms, 9)} ${f(row.ratio, 6)}   ${f(row.ours_wall_ms, 9)} ${f(row.torch_wall_ms, 10)}\n`);
    }
  }
  if (!args.includes("--no-reach")) await reach(json, Number(flag(args, "--target-loss", "0.1")));
  return 0;
}
