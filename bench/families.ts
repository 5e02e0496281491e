/**
 * `npm run bench -- families [--target fwd_ret_5] [--families a,b] [--max-train-rows 20000]
 *  [--threads 1] [--human]`
 *
 * Every registered family (the registry is iterated, so a family added anywhere appears here
 * without edits) cross-validated on the bundled Dow Jones 30 data with the training stage's
 * default splitter (purged k-fold) and row caps, and its family file's hyperparameters
 * (config/families/<name>.yaml, balanced variant). One JSON line per family: wall seconds of the
 * whole cross-validated fit and the out-of-fold score (IC across symbols for this target; AUC for
 * a binary one). There is no reference implementation to divide by, so the lines are figures to
 * compare families and runs; on a shared machine read the times with the load average beside them.
 */
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { leakageSchema } from "../src/config/schema/leakage.js";
import { inspectData, requirePanel } from "../src/data/inspect.js";
import { dataOptionsSchema } from "../src/data/options.js";
import { buildFeatures, historyRows } from "../src/features/index.js";
import "../src/models/index.js";
import { familyNames } from "../src/models/registry.js";
import { buildTarget } from "../src/targets/index.js";
import { makeCvData } from "../src/training/cv-data.js";
import { cvFit, UnsupportedTaskError } from "../src/training/cv-fit.js";
import { trainingSchema } from "../src/training/schema.js";
import { purgeForTarget } from "../src/validation/splitters/index.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
}

/** The family file's hyperparameters (its balanced variant merged in), or {} without a file. */
function familyHyperparameters(name: string): Record<string, unknown> {
  const file = join(root, "config", "families", `${name}.yaml`);
  if (!existsSync(file)) return {};
  const doc = parse(readFileSync(file, "utf8")) as { hyperparameters?: Record<string, unknown>; variants?: Record<string, Record<string, unknown>> };
  return { ...(doc.hyperparameters ?? {}), ...(doc.variants?.balanced ?? {}) };
}

const round = (v: number, d = 4) => (Number.isFinite(v) ? Number(v.toFixed(d)) : null);

export async function run(args: string[]): Promise<number> {
  const targetName = option(args, "target") ?? "fwd_ret_5";
  const only = option(args, "families")?.split(",");
  const threads = Number(option(args, "threads") ?? 1);
  const human = args.includes("--human");
  const cfg = trainingSchema.parse({ max_train_rows: Number(option(args, "max-train-rows") ?? 20_000) });
  const names = familyNames().filter((n) => only === undefined || only.includes(n));
  if (only) for (const n of only) if (!names.includes(n)) throw new Error(`--families: "${n}" is not a registered family (registered: ${familyNames().join(", ")})`);

  const inspection = await inspectData(dataOptionsSchema.parse({}), { baseDir: root });
  const panel = requirePanel(inspection).panel;
  const fs = buildFeatures(panel, {});
  const lookback = Math.max(...fs.specs.map(historyRows));
  const target = buildTarget(targetName);
  const data = makeCvData({
    T: panel.T,
    S: panel.S,
    target,
    y: target.compute(panel),
    splitter: cfg.splitter,
    purge: purgeForTarget(target, leakageSchema.parse({}), lookback),
    seed: 1,
    maxRows: cfg.max_rows,
    maxTrainRows: cfg.max_train_rows,
    purpose: "bench",
  });
  if (human) process.stdout.write(`bundled Dow data: panel ${panel.T} x ${panel.S}, ${fs.names.length} features, target ${targetName}, ${data.folds.length} folds, threads ${threads}\n`);
  const metric = data.task.metric;
  for (const family of names) {
    const load = loadavg()[0];
    const t0 = performance.now();
    const line: Record<string, unknown> = { bench: "families", case: family, target: targetName, ours_s: null, metric, ours_metric: null, higher_is_better: true };
    try {
      const res = await cvFit({ data, features: fs.names, grids: fs.grids, family, hyperparameters: familyHyperparameters(family), seed: 1, threads, purpose: "bench", validFraction: cfg.valid_fraction });
      line.ours_s = round((performance.now() - t0) / 1000, 3);
      line.ours_metric = round(res.score.value);
      line.t_stat = round(res.score.t, 2);
      line.folds = res.folds.length;
    } catch (e) {
      line.skipped = e instanceof UnsupportedTaskError ? "task not supported" : `failed: ${(e as Error).message}`;
    }
    line.load_average_1m = round(load, 2);
    process.stdout.write(human ? `${family.padEnd(18)} ${String(line.ours_s ?? "-").padStart(8)} s  ${metric} ${line.ours_metric ?? "-"}${line.skipped ? `  (${line.skipped})` : ""}\n` : `${JSON.stringify(line)}\n`);
  }
  return 0;
}
