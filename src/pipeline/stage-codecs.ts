/**
 * How each stage after the leakage scan keeps what it hands to the later stages in its record
 * (jobs/stage-store.ts), and rebuilds it when the stage is loaded on resume: plain data and typed
 * arrays are stored (codec.ts keeps them bit for bit); what the run holds anyway (the built
 * targets, the feature grids, the purged folds, which are deterministic and cheap) is looked up or
 * rebuilt, not stored.
 */
import type { EnsembleResult } from "../ensemble/index.js";
import type { SelectionFile, TargetRankingsFile } from "../artifacts/run-files.js";
import { stageCvData, type PipelineContext } from "./context.js";
import type { GatedTarget } from "./stages/gate.js";
import type { RankingOutcome } from "./stages/ranking.js";
import type { BuiltTarget } from "./stages/targets.js";
import { sequenceWindowBars, type Member, type TrainedTarget } from "./stages/training.js";

interface StoredGated {
  target: string;
  features: string[];
  leakage: GatedTarget["leakage"];
}

interface StoredTrained {
  target: string;
  members: Member[];
}

export function stageCodecs(ctx: PipelineContext) {
  const builtTarget = (name: string): BuiltTarget => {
    const b = ctx.targets.find((t) => t.target.name === name);
    if (b === undefined) throw new Error(`stage record names target "${name}", which this run did not build`);
    return b;
  };
  return {
    ranking: {
      encode: (v: RankingOutcome): unknown => ({ file: v.file }),
      // The kept targets, as the stage derives them from the file.
      decode: (v: unknown): RankingOutcome => {
        const file = (v as { file: TargetRankingsFile }).file;
        return { file, kept: ctx.targets.filter((t) => file.kept.includes(t.target.name)) };
      },
    },
    selection: {
      encode: (v: Map<string, SelectionFile>): unknown => [...v.entries()],
      decode: (v: unknown): Map<string, SelectionFile> => new Map(v as Array<[string, SelectionFile]>),
    },
    gate: {
      encode: (v: GatedTarget[]): unknown => v.map((g): StoredGated => ({ target: g.built.target.name, features: g.features, leakage: g.leakage })),
      decode: (v: unknown): GatedTarget[] => (v as StoredGated[]).map((g) => ({ built: builtTarget(g.target), features: g.features, leakage: g.leakage })),
    },
    training: {
      encode: (v: TrainedTarget[]): unknown => v.map((t): StoredTrained => ({ target: t.gated.built.target.name, members: t.members })),
      // The folds are cut again exactly as the stage cut them (without repeating its warnings, which the record holds).
      decode: (v: unknown, gated: readonly GatedTarget[]): TrainedTarget[] => {
        const windowBars = sequenceWindowBars(ctx.cfg.families);
        return (v as StoredTrained[]).map((t) => {
          const g = gated.find((x) => x.built.target.name === t.target);
          if (g === undefined) throw new Error(`training record names target "${t.target}", which the gate did not pass`);
          return { gated: g, data: stageCvData(ctx, g.built, g.features, ctx.cfg.pipeline.training, "training", windowBars, false), members: t.members };
        });
      },
    },
    ensembling: {
      encode: (v: Map<string, EnsembleResult[]>): unknown => [...v.entries()],
      decode: (v: unknown): Map<string, EnsembleResult[]> => new Map(v as Array<[string, EnsembleResult[]]>),
    },
  };
}
