import { z } from "zod";
import { featuresOptionsSchema } from "../../features/schema.js";
import { dataOptionsSchema } from "../../data/options.js";
import { LOG_LEVELS } from "../../log/levels.js";
import { leakageSchema } from "./leakage.js";
import { rankingSchema } from "../../ranking/schema.js";
import { selectionSchema } from "../../selection/schema.js";
import { trainingSchema } from "../../training/schema.js";
import { strategySchema } from "../../training/strategies/schema.js";
import { ensembleSchema } from "../../ensemble/schema.js";
import { evaluationSchema } from "../../evaluation/schema.js";
import { tradingSchema } from "../../trading/schema.js";
import { nestingSchema } from "../../pipeline/nested/schema.js";

export const determinismSchema = z.strictObject({
  seed: z.number().int().min(0).max(4294967295).default(42).describe("seed of every random choice (splits, shuffles, model init); same input + seed => same numbers"),
});

export const threadingSchema = z.strictObject({
  threads: z
    .union([z.literal("auto"), z.number().int().min(1).max(1024)])
    .default("auto")
    .describe('worker threads: "auto" = available cores; results never depend on it'),
});

export const memorySchema = z.strictObject({
  budget_mb: z.number().int().min(64).default(4096).describe("memory the engine plans for; panels larger than this are processed in time chunks"),
});

export const loggingSchema = z.strictObject({
  level: z
    .enum([...LOG_LEVELS, "silent"])
    .default("info")
    .describe("console log level; the run's logs.jsonl always keeps at least info"),
  console: z
    .strictObject({
      color: z.enum(["auto", "always", "never"]).default("auto").describe("ANSI colours; auto = when stderr is a terminal and NO_COLOR is unset"),
      utc_times: z.boolean().default(false).describe("show console times in UTC instead of local time"),
    })
    .prefault({}),
});

export const runsSchema = z.strictObject({
  dir: z.string().min(1).default("runs").describe("folder that receives one sub-folder per run, relative to the current directory"),
});

export const reportSchema = z.strictObject({
  enabled: z.boolean().default(true).describe("write report.html at the end of `foxml run` (`foxml report RUN_DIR` builds it later either way)"),
});

/** The `pipeline` block: engine settings shared by every experiment. */
export const pipelineSchema = z.strictObject({
  data: dataOptionsSchema.prefault({}),
  features: featuresOptionsSchema.prefault({}),
  leakage: leakageSchema.prefault({}),
  ranking: rankingSchema.prefault({}),
  selection: selectionSchema.prefault({}),
  training: trainingSchema.extend({ strategy: strategySchema }).prefault({}),
  ensemble: ensembleSchema.prefault({}),
  evaluation: evaluationSchema.prefault({}),
  nesting: nestingSchema.prefault({}),
  report: reportSchema.prefault({}),
  trading: tradingSchema.prefault({}).describe("`foxml trade`: strategy, fills, guardrails and journal of the paper / live trading loop"),
  determinism: determinismSchema.prefault({}),
  threading: threadingSchema.prefault({}),
  memory: memorySchema.prefault({}),
  logging: loggingSchema.prefault({}),
  runs: runsSchema.prefault({}),
});
export type PipelineConfig = z.infer<typeof pipelineSchema>;
